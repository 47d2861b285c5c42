using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Parking.Contracts;

namespace Parking.Bench.Import;

/// <summary>
/// Availability searches in one imported compound after the import, as its residents make them: varied windows over
/// the next two weeks, kinds and nearest buildings, 8 in flight (closed loop), a warm-up first. Prints the rate and
/// the p50/p99 latency of the searches answered 200 (the target: p99 ≤ 20 ms).
/// </summary>
internal static class SearchPhase
{
    private const int Concurrency = 8;
    private const int WarmUp = 400;
    private const int Measured = 4_000;
    private const int StartSlots = (14 * 48) - 4;
    private static readonly TimeSpan[] Lengths = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(9)];
    private static readonly string?[] Kinds = [null, null, null, "standard", "standard", "ev", "accessible", "visitor"];

    public static async Task RunAsync(Uri server, string compoundId, Func<Task<IAsyncDisposable?>>? measuring = null)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var users = await http.GetFromJsonAsync<UserDto[]>($"/api/dev/users?compoundId={compoundId}&role=resident&limit=100")
            ?? throw new InvalidOperationException($"No residents in '{compoundId}'.");
        if (users.Length == 0)
        {
            throw new InvalidOperationException($"No residents in '{compoundId}' to search as.");
        }

        var tokens = new List<(string Token, string? Building)>();
        // As many residents as the dev endpoint lists (up to 100): each user has a rate limit of their own (20/s).
        foreach (var user in users)
        {
            using var response = await http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest(compoundId, user.UserId));
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<DevTokenResponse>() ?? throw new InvalidOperationException("Empty token.");
            tokens.Add((token.AccessToken, user.BuildingId));
        }

        // Windows start on the half hour, from the next full hour to an hour inside the booking horizon (14 days):
        // a start past the horizon is refused (400 window-too-far-ahead), which is the server right and the bench wrong.
        var origin = DateTimeOffset.UtcNow.AddHours(1);
        origin = new DateTimeOffset(origin.Year, origin.Month, origin.Day, origin.Hour, 0, 0, TimeSpan.Zero);
        await RunLoopAsync(http, compoundId, tokens, origin, WarmUp, seed: 1);
        var trace = measuring is null ? null : await measuring();
        var clock = Stopwatch.StartNew();
        var (latencies, failed) = await RunLoopAsync(http, compoundId, tokens, origin, Measured, seed: 2);
        var elapsed = clock.Elapsed;
        if (trace is not null)
        {
            await trace.DisposeAsync();
        }

        var all = latencies.Select(l => l.Ms).Order().ToList();

        static double At(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  searches in '{compoundId}' after the import: {latencies.Count} ok, {failed.Values.Sum()} failed{(failed.Count == 0 ? "" : " (" + string.Join(", ", failed.Select(f => $"{f.Value} x {f.Key}")) + ")")}, {latencies.Count / elapsed.TotalSeconds:F0}/s at {Concurrency} in flight; p50 {At(all, 0.5):F1} ms, p99 {At(all, 0.99):F1} ms  target: p99 <= 20 ms"));
        foreach (var group in latencies.GroupBy(l => l.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sorted = group.Select(l => l.Ms).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    kind {group.Key}: {sorted.Count} searches, p50 {At(sorted, 0.5):F1} ms, p99 {At(sorted, 0.99):F1} ms"));
        }
    }

    private static async Task<(List<(string Kind, double Ms)> Latencies, Dictionary<string, int> Failed)> RunLoopAsync(
        HttpClient http, string compoundId, List<(string Token, string? Building)> tokens, DateTimeOffset origin, int count, int seed)
    {
        var latencies = new List<(string Kind, double Ms)>(count);
        var failed = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var gate = new Lock();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async worker =>
        {
            var random = new Random((seed * 7919) + worker);
            while (Interlocked.Increment(ref next) < count)
            {
                var (token, building) = tokens[random.Next(tokens.Count)];
                var start = origin.AddMinutes(30 * random.Next(StartSlots));
                var end = start + Lengths[random.Next(Lengths.Length)];
                var query = string.Create(
                    CultureInfo.InvariantCulture,
                    $"start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}&limit=10");
                var kind = Kinds[random.Next(Kinds.Length)];
                if (kind is not null)
                {
                    query += "&kind=" + kind;
                }

                if (building is not null)
                {
                    query += "&nearBuilding=" + Uri.EscapeDataString(building);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/compounds/{compoundId}/availability?{query}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var clock = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                var ms = clock.Elapsed.TotalMilliseconds;
                var why = response.StatusCode == HttpStatusCode.OK ? null : $"{(int)response.StatusCode} {Reason(await response.Content.ReadAsStringAsync())}";
                lock (gate)
                {
                    if (why is null)
                    {
                        latencies.Add((kind ?? "any", ms));
                    }
                    else
                    {
                        failed[why] = failed.GetValueOrDefault(why) + 1;
                    }
                }
            }
        }));
        return (latencies, failed);
    }

    /// <summary>The field and code of a problem answer, so a refused search says why.</summary>
    private static string Reason(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            var root = json.RootElement;
            var code = root.TryGetProperty("code", out var c) ? c.ToString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.ToString() : null;
            return code ?? detail ?? body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length > 80 ? body[..80] : body;
        }
    }
}
