using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Aigis.Cli;

/// <summary>
/// <c>-o json|yaml|table</c> for every read verb. JSON is the admin API's answer as it came (scripts parse it); YAML
/// is the same tree; a table picks the columns a person reads, drawn by Spectre.Console without colour when the output
/// is not a terminal.
/// </summary>
internal static class CliOutput
{
    public const string Json = "json";
    public const string Yaml = "yaml";
    public const string Table = "table";

    public static Option<string> FormatOption()
    {
        var option = new Option<string>("--output", "-o") { Description = "json, yaml or table.", DefaultValueFactory = _ => Table };
        option.AcceptOnlyFromAmong(Json, Yaml, Table);
        return option;
    }

    /// <summary>Wraps items in the admin API's list shape, so a list read across pages prints like one page.</summary>
    public static JsonElement ListOf(JsonElement items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WritePropertyName("data");
            items.WriteTo(writer);
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    /// <summary>Prints a document: its <c>data</c> rows (or the object itself) as a table, or the whole of it as JSON or YAML.</summary>
    public static void Write(TextWriter output, string format, JsonElement document, IReadOnlyList<(string Header, string Path)> columns)
    {
        switch (format)
        {
            case Json:
                output.WriteLine(JsonSerializer.Serialize(document, CliOutputJsonContext.Default.JsonElement));
                return;
            case Yaml:
                var yaml = new StringBuilder();
                WriteYaml(yaml, document, 0, inList: false);
                output.Write(yaml.ToString());
                return;
            default:
                var rows = document.ValueKind == JsonValueKind.Object && document.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                    ? data.EnumerateArray().ToArray()
                    : [document];
                WriteTable(output, rows, columns);
                return;
        }
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<JsonElement> rows, IReadOnlyList<(string Header, string Path)> columns)
    {
        if (rows.Count == 0)
        {
            output.WriteLine("No resources found.");
            return;
        }

        var table = new Table { Border = TableBorder.None, ShowHeaders = true };
        foreach (var (header, _) in columns)
        {
            table.AddColumn(new TableColumn(header) { NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
        }

        foreach (var row in rows)
        {
            table.AddRow(columns.Select(c => Markup.Escape(Cell(row, c.Path))).ToArray());
        }

        Console(output).Write(table);
    }

    /// <summary>A console on <paramref name="output"/>: colour and width only when it is the terminal.</summary>
    public static IAnsiConsole Console(TextWriter output)
    {
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!terminal)
        {
            // A pipe has no width; a wide one keeps each row on one line for grep and awk.
            console.Profile.Width = 400;
        }

        return console;
    }

    /// <summary>The value at a dotted path (<c>scraped.kv_cache_usage</c>) as a person reads it; <c>-</c> for none.</summary>
    public static string Cell(JsonElement row, string path)
    {
        var value = row;
        foreach (var part in path.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part, out value))
            {
                return "-";
            }
        }

        return value.ValueKind switch
        {
            JsonValueKind.String when value.TryGetDateTimeOffset(out var time) && value.GetString()!.Length >= 20 => KeysCommand.Time(time),
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null or JsonValueKind.Undefined => "-",
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
            JsonValueKind.Number when value.TryGetInt64(out var whole) => whole.ToString(CultureInfo.InvariantCulture),
            JsonValueKind.Number => Math.Round(value.GetDouble(), 3).ToString(CultureInfo.InvariantCulture),
            _ => value.GetRawText(),
        };
    }

    private static void WriteYaml(StringBuilder yaml, JsonElement value, int indent, bool inList)
    {
        var pad = new string(' ', indent);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var first = true;
                foreach (var property in value.EnumerateObject())
                {
                    // The first key of a list item sits on the "- " line.
                    yaml.Append(first && inList ? "" : pad).Append(property.Name).Append(':');
                    first = false;
                    WriteYamlValue(yaml, property.Value, indent);
                }

                if (first)
                {
                    yaml.Append(inList ? "" : pad).Append("{}\n");
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    yaml.Append(pad).Append("- ");
                    if (item.ValueKind is JsonValueKind.Object && item.EnumerateObject().Any())
                    {
                        WriteYaml(yaml, item, indent + 2, inList: true);
                    }
                    else
                    {
                        yaml.Append(Scalar(item)).Append('\n');
                    }
                }

                break;
            default:
                yaml.Append(pad).Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteYamlValue(StringBuilder yaml, JsonElement value, int indent)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                yaml.Append('\n');
                WriteYaml(yaml, value, indent + 2, inList: false);
                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                yaml.Append('\n');
                WriteYaml(yaml, value, indent + 2, inList: false);
                break;
            default:
                yaml.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    // Strings are written as JSON strings, which YAML reads as the same strings whatever they hold ("no", "1.0", ": ").
    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "{}",
        JsonValueKind.Array => "[]",
        _ => value.GetRawText(),
    };
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, object?>[]))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class CliOutputJsonContext : JsonSerializerContext;
