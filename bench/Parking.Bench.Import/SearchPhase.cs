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
    private static readonly TimeSpan[] Lengths = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(9)];
    private static readonly string?[] Kinds = [null, null, null, "standard", "standard", "ev", "accessible", "visitor"];

    public static async Task RunAsync(Uri server, string compoundId)
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

        var origin = DateTimeOffset.UtcNow.AddHours(1);
        origin = new DateTimeOffset(origin.Year, origin.Month, origin.Day, origin.Hour, 0, 0, TimeSpan.Zero);
        await RunLoopAsync(http, compoundId, tokens, origin, WarmUp, seed: 1);
        var clock = Stopwatch.StartNew();
        var (latencies, failed) = await RunLoopAsync(http, compoundId, tokens, origin, Measured, seed: 2);
        var elapsed = clock.Elapsed;
        latencies.Sort();
        double At(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  searches in '{compoundId}' after the import: {latencies.Count} ok, {failed.Values.Sum()} failed{(failed.Count == 0 ? "" : " (" + string.Join(", ", failed.Select(f => $"{f.Value} x {f.Key}")) + ")")}, {latencies.Count / elapsed.TotalSeconds:F0}/s at {Concurrency} in flight; p50 {At(0.5):F1} ms, p99 {At(0.99):F1} ms  target: p99 <= 20 ms"));
    }

    private static async Task<(List<double> Latencies, Dictionary<int, int> Failed)> RunLoopAsync(
        HttpClient http, string compoundId, List<(string Token, string? Building)> tokens, DateTimeOffset origin, int count, int seed)
    {
        var latencies = new List<double>(count);
        var failed = new Dictionary<int, int>();
        var next = -1;
        var gate = new Lock();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async worker =>
        {
            var random = new Random((seed * 7919) + worker);
            while (Interlocked.Increment(ref next) < count)
            {
                var (token, building) = tokens[random.Next(tokens.Count)];
                var start = origin.AddMinutes(30 * random.Next(14 * 48));
                var end = start + Lengths[random.Next(Lengths.Length)];
                var query = string.Create(
                    CultureInfo.InvariantCulture,
                    $"start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}&limit=10");
                if (Kinds[random.Next(Kinds.Length)] is { } kind)
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
                lock (gate)
                {
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        latencies.Add(ms);
                    }
                    else
                    {
                        failed[(int)response.StatusCode] = failed.GetValueOrDefault((int)response.StatusCode) + 1;
                    }
                }
            }
        }));
        return (latencies, failed);
    }
}
