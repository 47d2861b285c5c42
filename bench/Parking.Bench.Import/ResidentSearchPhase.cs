using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Parking.Contracts;
using Parking.Domain.Layout;

namespace Parking.Bench.Import;

/// <summary>
/// The staff residents search in one imported compound, as its staff and the sub-district operator use it: first the
/// one search that builds the compound's resident index (timed alone), then searches by a whole plate typed loosely, the
/// tail of a plate, a unit, part of a name and pages of the whole list. One caller per account (each has its own rate
/// limit of 20 requests a second; the bench stays under it), a warm-up first. Prints p50/p99 of the searches answered
/// 200 (the target: p99 ≤ 20 ms).
/// </summary>
internal static class ResidentSearchPhase
{
    private const int WarmUp = 100;
    private const int Measured = 1_200;

    /// <summary>Each account searches at most this often: the server's default per-user rate is 20 a second.</summary>
    private static readonly TimeSpan Pace = TimeSpan.FromSeconds(1.0 / 16);

    public static async Task RunAsync(Uri server, CompoundLayout layout, Func<Task<IAsyncDisposable?>>? measuring = null)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        var compoundId = layout.CompoundId;
        var accounts = layout.Users.Where(u => u.Role is UserRole.Staff).Select(u => u.UserId).ToList();
        var operators = await http.GetFromJsonAsync<UserDto[]>($"/api/dev/users?compoundId={compoundId}&role=operator&limit=5") ?? [];
        accounts.AddRange(operators.Select(o => o.UserId));
        var tokens = new List<string>();
        foreach (var account in accounts.Distinct(StringComparer.Ordinal))
        {
            using var response = await http.PostAsJsonAsync("/api/dev/token", new DevTokenRequest(compoundId, account));
            response.EnsureSuccessStatusCode();
            tokens.Add((await response.Content.ReadFromJsonAsync<DevTokenResponse>())!.AccessToken);
        }

        var first = Stopwatch.StartNew();
        var (status, body) = await GetAsync(http, tokens[0], $"/api/compounds/{compoundId}/residents?pageSize=50");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  residents search in '{compoundId}': the first one (builds the index once) {first.Elapsed.TotalMilliseconds:F0} ms, {(int)status}, total {Total(body)}"));

        var residents = layout.Users.Where(u => u.Role == UserRole.Resident).ToList();
        var units = layout.Households.ToDictionary(h => h.Id, h => h.Unit, StringComparer.Ordinal);
        var pages = Math.Max(1, residents.Count / 50);
        await RunLoopAsync(http, compoundId, tokens, residents, units, pages, WarmUp, seed: 1);
        var trace = measuring is null ? null : await measuring();
        var clock = Stopwatch.StartNew();
        var (latencies, failed) = await RunLoopAsync(http, compoundId, tokens, residents, units, pages, Measured, seed: 2);
        var elapsed = clock.Elapsed;
        if (trace is not null)
        {
            await trace.DisposeAsync();
        }

        static double At(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        var all = latencies.Select(l => l.Ms).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  residents searches: {latencies.Count} ok, {failed.Values.Sum()} failed{(failed.Count == 0 ? "" : " (" + string.Join(", ", failed.Select(f => $"{f.Value} x {f.Key}")) + ")")}, {latencies.Count / elapsed.TotalSeconds:F0}/s from {tokens.Count} accounts one at a time each; p50 {At(all, 0.5):F1} ms, p99 {At(all, 0.99):F1} ms  target: p99 <= 20 ms"));
        foreach (var group in latencies.GroupBy(l => l.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sorted = group.Select(l => l.Ms).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    by {group.Key}: {sorted.Count} searches, p50 {At(sorted, 0.5):F1} ms, p99 {At(sorted, 0.99):F1} ms"));
        }
    }

    private static async Task<(List<(string Kind, double Ms)> Latencies, Dictionary<string, int> Failed)> RunLoopAsync(
        HttpClient http, string compoundId, List<string> tokens, List<CompoundUser> residents, Dictionary<string, string> units, int pages, int count, int seed)
    {
        var latencies = new List<(string Kind, double Ms)>(count);
        var failed = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = -1;
        var gate = new Lock();
        await Task.WhenAll(tokens.Select(async (token, worker) =>
        {
            var random = new Random((seed * 7919) + worker);
            while (Interlocked.Increment(ref next) < count)
            {
                var started = Stopwatch.StartNew();
                var (kind, query) = Pick(random, residents, units, pages);
                var clock = Stopwatch.StartNew();
                var (status, body) = await GetAsync(http, token, $"/api/compounds/{compoundId}/residents?{query}");
                var ms = clock.Elapsed.TotalMilliseconds;
                lock (gate)
                {
                    if (status == HttpStatusCode.OK)
                    {
                        latencies.Add((kind, ms));
                    }
                    else
                    {
                        var why = $"{(int)status} {(body.Length > 60 ? body[..60] : body)}";
                        failed[why] = failed.GetValueOrDefault(why) + 1;
                    }
                }

                if (Pace - started.Elapsed is { Ticks: > 0 } rest)
                {
                    await Task.Delay(rest);
                }
            }
        }));
        return (latencies, failed);
    }

    /// <summary>One search as staff type it: a plate (in lower case, with a space), its last five characters, a unit, part of a name or a page of everyone.</summary>
    private static (string Kind, string Query) Pick(Random random, List<CompoundUser> residents, Dictionary<string, string> units, int pages)
    {
        var person = residents[random.Next(residents.Count)];
        var plate = person.Vehicles.Count > 0 ? person.Vehicles[0].Plate : null;
        switch (random.Next(5))
        {
            case 0 when plate is not null:
                return ("whole plate", "q=" + Uri.EscapeDataString(plate[..2] + " " + plate[2..].ToLowerInvariant()));
            case 1 when plate is not null:
                return ("plate tail", "q=" + Uri.EscapeDataString(plate[^5..]));
            case 2 when person.HouseholdId is not null:
                return ("unit", "q=" + Uri.EscapeDataString(units[person.HouseholdId]));
            case 3:
                return ("part of a name", "q=" + Uri.EscapeDataString(person.DisplayName[..Math.Min(4, person.DisplayName.Length)]));
            default:
                return ("a page of everyone", string.Create(CultureInfo.InvariantCulture, $"page={random.Next(1, pages + 1)}&pageSize=50"));
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Total(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("total", out var total) ? total.ToString() : "?";
        }
        catch (System.Text.Json.JsonException)
        {
            return "?";
        }
    }
}
