using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Parking.Contracts;

namespace Parking.Bench.SubDistrict;

/// <summary>What became of one request after its retries: the final status (0: no answer) and which silo gave it.</summary>
internal readonly record struct Answer(int Status, string Body, int Silo, int Attempts, double? RetryAfterSeconds)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>"201", "409 space-taken", "503", "no answer (TaskCanceledException)"...: the kinds a tally counts.</summary>
    public string Outcome => Status == 0 ? $"no answer ({Body[(Body.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split(':')[0]})" : ProblemCode(Body) is { } code ? $"{Status} {code}" : Status.ToString(CultureInfo.InvariantCulture);

    public static string? ProblemCode(string body)
    {
        if (body.Length == 0 || body[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The silos' HTTP API over loopback, as a load balancer in front of them would use it: each request goes to the silo
/// the caller names and, when that silo refuses the connection, fails with a 5xx or does not answer in time, to the
/// next one (the same Idempotency-Key for a booking), until the request's time budget is spent. A 429 is waited out
/// (Retry-After) and retried on the same terms.
/// </summary>
internal sealed class SiloClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient[] _clients;

    /// <summary>One Authorization header per token, made once: the header value is immutable and safe to share.</summary>
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _bearers = new(StringComparer.Ordinal);

    public SiloClient(IReadOnlyList<Uri> silos)
    {
        Silos = silos;
        _clients = [.. silos.Select(s => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = s,
            Timeout = AttemptTimeout,
        })];
    }

    public IReadOnlyList<Uri> Silos { get; }

    /// <summary>A dev token for <paramref name="userId"/> of <paramref name="compoundId"/>, from silo <paramref name="silo"/>.</summary>
    public async Task<string> TokenAsync(int silo, string compoundId, string userId, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(silo, HttpMethod.Post, "/api/dev/token", null, new DevTokenRequest(compoundId, userId), null, TimeSpan.FromSeconds(60), cancellationToken);
        if (!answer.Ok)
        {
            throw new InvalidOperationException($"dev token for {userId} in {compoundId}: {answer.Outcome} {answer.Body}");
        }

        return JsonSerializer.Deserialize<DevTokenResponse>(answer.Body, Json)!.AccessToken;
    }

    /// <summary>
    /// Sends a request to silo <paramref name="first"/>, then to the next ones on failure, within <paramref name="budget"/>
    /// from now: a refused connection moves on at once, a 5xx or a timeout after a pause (0.2 s more each attempt, at
    /// most 1 s), a 429 after its Retry-After. Any other answer is final.
    /// </summary>
    public Task<Answer> SendAsync(
        int first,
        HttpMethod method,
        string path,
        string? token,
        object? body,
        string? idempotencyKey,
        TimeSpan budget,
        CancellationToken cancellationToken) =>
        SendAsync(first, method, path, token, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json), idempotencyKey, keepBody: true, budget, cancellationToken);

    /// <summary>
    /// As the other overload, with the body already serialized (the load builds it once, not once per attempt) and,
    /// when <paramref name="keepBody"/> is false, a 2xx answer's body read and dropped instead of kept as a string: the
    /// load only needs a search's status, and on two shared cores the bench's own work competes with the silos'.
    /// </summary>
    public async Task<Answer> SendAsync(
        int first,
        HttpMethod method,
        string path,
        string? token,
        byte[]? json,
        string? idempotencyKey,
        bool keepBody,
        TimeSpan budget,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = new Answer(0, "not sent", first % Silos.Count, 0, null);
        for (var attempt = 0; ; attempt++)
        {
            var silo = (first + attempt) % Silos.Count;
            TimeSpan pause;
            try
            {
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
                if (token is not null)
                {
                    request.Headers.Authorization = _bearers.GetOrAdd(token, static t => new AuthenticationHeaderValue("Bearer", t));
                }

                if (idempotencyKey is not null)
                {
                    request.Headers.Add("Idempotency-Key", idempotencyKey);
                }

                if (json is not null)
                {
                    request.Content = new ByteArrayContent(json) { Headers = { ContentType = JsonType } };
                }

                using var response = await _clients[silo].SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                string text;
                if (!keepBody && status is >= 200 and < 300)
                {
                    await response.Content.CopyToAsync(Stream.Null, CancellationToken.None);
                    text = string.Empty;
                }
                else
                {
                    text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                }

                var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
                last = new Answer(status, text, silo, attempt + 1, retryAfter);
                if (status < 500 && status != (int)HttpStatusCode.TooManyRequests)
                {
                    return last;
                }

                pause = status == (int)HttpStatusCode.TooManyRequests
                    ? TimeSpan.FromSeconds(Math.Clamp(retryAfter ?? 1, 0.05, 5))
                    : Backoff(attempt);
            }
            catch (HttpRequestException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                // Nothing listens there any more (a killed silo): the next silo at once, as a load balancer would.
                last = new Answer(0, $"{Silos[silo]}: connection refused", silo, attempt + 1, null);
                pause = TimeSpan.Zero;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = new Answer(0, $"{Silos[silo]}: {exception.GetType().Name}: {exception.Message}", silo, attempt + 1, null);
                pause = Backoff(attempt);
            }

            if (clock.Elapsed + pause >= budget || cancellationToken.IsCancellationRequested)
            {
                return last;
            }

            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, CancellationToken.None);
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1_000, 200 * (attempt + 1)));

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
