using System.Net;
using System.Text.Json;
using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>An RFC 7807 body as the API writes it: type, status, a stable code, and errors per field.</summary>
public sealed record Problem(HttpStatusCode Status, string Type, string Code, IReadOnlyDictionary<string, string[]> Errors, string Raw);

public static class ProblemAssert
{
    /// <summary>
    /// Asserts a problem-details answer: the status, <c>application/problem+json</c>, a <c>type</c>, a
    /// <c>status</c> equal to the HTTP one, a <c>code</c> (equal to <paramref name="code"/> when given) and,
    /// when <paramref name="field"/> is given, <c>errors[field]</c> with at least one reason.
    /// </summary>
    public static async Task<Problem> Expect(HttpResponseMessage response, HttpStatusCode status, string? code = null, string? field = null)
    {
        var raw = await response.Content.ReadAsStringAsync();
        var where = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} -> {(int)response.StatusCode}: {raw}";
        Assert.True(response.StatusCode == status, $"Expected {(int)status}. {where}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"Expected application/problem+json, got '{response.Content.Headers.ContentType}'. {where}");

        using var document = JsonDocument.Parse(raw);
        var root = document.RootElement;
        Assert.True(root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString()!.Length > 0, $"No 'type'. {where}");
        Assert.True(root.TryGetProperty("status", out var statusField) && statusField.GetInt32() == (int)status, $"No or wrong 'status'. {where}");
        var hasCode = root.TryGetProperty("code", out var codeField) && codeField.ValueKind == JsonValueKind.String;
        Assert.True(hasCode, $"No 'code'. {where}");
        if (code is not null)
        {
            Assert.True(codeField.GetString() == code, $"Expected code '{code}'. {where}");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.TryGetProperty("errors", out var errorsField) && errorsField.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in errorsField.EnumerateObject())
            {
                errors[property.Name] = [.. property.Value.EnumerateArray().Select(e => e.GetString() ?? string.Empty)];
            }
        }

        if (field is not null)
        {
            Assert.True(errors.TryGetValue(field, out var reasons) && reasons.Length > 0, $"Expected errors['{field}']. {where}");
        }

        return new Problem(response.StatusCode, type.GetString()!, hasCode ? codeField.GetString()! : string.Empty, errors, raw);
    }
}
