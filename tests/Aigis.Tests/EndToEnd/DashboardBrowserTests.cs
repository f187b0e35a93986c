using System.Net;
using System.Net.Http.Headers;
using Aigis.Tests.Cli;
using Aigis.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Aigis.Tests.EndToEnd;

/// <summary>
/// The dashboard in a real browser: Debian's headless chromium driven by Playwright (with <c>ExecutablePath</c>: no
/// downloaded browser), against <c>aigis up</c> running the embedded demo fleet. A screenshot of the live overview
/// is saved under <c>artifacts/</c> beside the test binaries, or in <c>$AIGIS_TEST_ARTIFACTS</c>.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_operator_logs_in_watches_the_demo_fleet_move_and_creates_and_revokes_a_key()
    {
        Assert.True(File.Exists(Chromium), "the browser test needs Debian's chromium (apt-get install --no-install-recommends chromium; .ci/run does)");
        var workingDirectory = Directory.CreateTempSubdirectory("aigis-dashboard-").FullName;
        var (listen, admin) = (CommandLineTests.FreePort(), CommandLineTests.FreePort());
        await using var aigis = AigisProcess.Start(environment: null, workingDirectory: workingDirectory, "up", "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        try
        {
            var dashboard = (await aigis.WaitForLineAsync("dashboard: ", s_timeout))["dashboard: ".Length..].Split(' ')[0];
            var adminKey = (await aigis.WaitForLineAsync("admin key: ", s_timeout))["admin key: ".Length..].Trim();
            var demoKey = (await aigis.WaitForLineAsync("demo key: ", s_timeout))["demo key: ".Length..].Trim();
            using var publicApi = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}"), Timeout = TimeSpan.FromSeconds(30) };

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 800 } });
            var requested = new List<string>();
            page.Request += (_, request) => requested.Add(request.Url);
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

            // Log in with the printed admin key.
            await page.GotoAsync(dashboard);
            await page.FillAsync("#login-key", adminKey);
            await page.ClickAsync("#login-submit");

            // The demo fleet appears, then its numbers move after traffic.
            await page.WaitForSelectorAsync("#fleet tr[data-service='chat'] td.total", new PageWaitForSelectorOptions { Timeout = 30_000 });
            var services = await page.EvalOnSelectorAllAsync<string[]>("#fleet tbody tr", "rows => rows.map(r => r.dataset.service)");
            var before = long.Parse(await page.InnerTextAsync("#fleet tr[data-service='chat'] td.total"), System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < 8; i++)
            {
                using var chat = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = Json.Body("""{"model":"sim-llama-3-8b","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"""),
                };
                chat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demoKey);
                Assert.Equal(HttpStatusCode.OK, (await publicApi.SendAsync(chat)).StatusCode);
            }

            await page.WaitForFunctionAsync(
                "n => Number(document.querySelector(\"#fleet tr[data-service='chat'] td.total\").textContent) >= n",
                before + 8, new PageWaitForFunctionOptions { Timeout = 10_000 });
            await page.WaitForFunctionAsync("() => Number(document.getElementById('total-rps').textContent) > 0", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
            var artifacts = Environment.GetEnvironmentVariable("AIGIS_TEST_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(artifacts);
            var screenshot = Path.Combine(artifacts, "dashboard-overview.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });

            // Create a key: its secret is shown once, works, and leaves the page when dismissed.
            await page.ClickAsync("nav a[data-page='keys']");
            await page.FillAsync("#key-name", "browser-test");
            await page.FillAsync("#key-tenant", "demo");
            await page.ClickAsync("#key-create");
            await page.WaitForSelectorAsync("#new-key:not([hidden])");
            var secret = await page.InnerTextAsync("#new-key-value");
            var id = secret[6..14];
            await page.WaitForSelectorAsync($"#key-table tr[data-key='{id}']");
            var withNewKey = await ModelsAsync(publicApi, secret);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard-key-created.png") });
            await page.ClickAsync("#new-key-done");
            var pageAfterDismiss = await page.ContentAsync();

            // Revoke it: the row says so, and the key stops working.
            await page.ClickAsync($"#key-table tr[data-key='{id}'] button.revoke");
            await page.WaitForFunctionAsync($"() => document.querySelector(\"#key-table tr[data-key='{id}'] td.status\").textContent === 'revoked'", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
            var afterRevoke = await ModelsAsync(publicApi, secret);
            var stored = await page.EvaluateAsync<string[]>("() => [sessionStorage.getItem('aigis.adminKey'), String(localStorage.length), location.href]");
            await browser.CloseAsync();

            Assert.Equal(["chat", "embed", "vision"], services.Order(StringComparer.Ordinal).ToArray());
            Assert.StartsWith("aigis_", secret, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, withNewKey);
            Assert.DoesNotContain(secret, pageAfterDismiss, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke);
            Assert.Equal(adminKey, stored[0]);
            Assert.Equal("0", stored[1]);
            Assert.DoesNotContain(adminKey, stored[2], StringComparison.Ordinal);
            Assert.All(requested, url => Assert.StartsWith(dashboard.TrimEnd('/'), url, StringComparison.Ordinal));
            Assert.DoesNotContain(requested, url => url.Contains(adminKey, StringComparison.Ordinal));
            Assert.True(new FileInfo(screenshot).Length > 10_000, $"{screenshot} looks empty");
        }
        finally
        {
            aigis.Terminate();
            await aigis.WaitForExitAsync(s_timeout);
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> ModelsAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
