using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Parking.Devices;
using Xunit;

namespace Parking.Api.Tests.Infrastructure;

/// <summary>
/// A charge point in a test: the real OCPP client on a real WebSocket to the host's Kestrel, which records every
/// CALL the central system sends it and answers with what the test set (Accepted by default).
/// </summary>
public sealed class OcppCharger : IAsyncDisposable
{
    /// <summary>The default of <c>Parking:Ocpp:DemoPassword</c>, as the README says.</summary>
    public const string DemoPassword = "parking-demo-charger";

    private readonly Channel<(string Action, JsonElement Payload)> _calls = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly List<(string Action, JsonElement Payload)> _seen = [];

    private OcppCharger(ParkingHost host, Func<string, JsonElement, JsonObject?>? answer)
    {
        Host = host;
        if (answer is not null)
        {
            Answer = answer;
        }
    }

    public OcppChargePointClient Client { get; private set; } = null!;

    public ParkingHost Host { get; }

    /// <summary>The answer this charger gives to a central system's CALL.</summary>
    public Func<string, JsonElement, JsonObject?> Answer { get; set; } = (action, _) => action switch
    {
        "GetConfiguration" => new JsonObject { ["configurationKey"] = new JsonArray(new JsonObject { ["key"] = "MeterValueSampleInterval", ["readonly"] = false, ["value"] = "60" }) },
        "UnlockConnector" => new JsonObject { ["status"] = "Unlocked" },
        _ => new JsonObject { ["status"] = "Accepted" },
    };

    public static Uri CentralSystem(ParkingHost host) => new($"ws://{host.Factory.BaseAddress.Authority}/ocpp/");

    public static string IdOf(string chargerId) => $"{ParkingHost.Compound}.{chargerId}";

    /// <summary>
    /// Connects as the charge point of <paramref name="chargerId"/>. Give <paramref name="answer"/> here rather than setting
    /// <see cref="Answer"/> afterwards when the first CALLs matter: the central system sends them as soon as the socket opens.
    /// </summary>
    public static async Task<OcppCharger> ConnectAsync(ParkingHost host, string chargerId, string password = DemoPassword, Func<string, JsonElement, JsonObject?>? answer = null, string? compoundId = null)
    {
        var charger = new OcppCharger(host, answer);
        var id = compoundId is null ? IdOf(chargerId) : $"{compoundId}.{chargerId}";
        charger.Client = await OcppChargePointClient.ConnectAsync(CentralSystem(host), id, password, onCall: charger.OnCallAsync);
        return charger;
    }

    private Task<JsonObject?> OnCallAsync(string action, JsonElement payload)
    {
        _calls.Writer.TryWrite((action, payload.Clone()));
        return Task.FromResult(Answer(action, payload));
    }

    /// <summary>The HTTP status of a handshake (101 when the socket opened), and the subprotocol agreed.</summary>
    public static async Task<(HttpStatusCode Status, string? SubProtocol)> HandshakeAsync(ParkingHost host, string chargePointId, string? user, string? password, string? subProtocol = OcppChargePointClient.SubProtocol)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        if (user is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        try
        {
            await socket.ConnectAsync(new Uri(CentralSystem(host), Uri.EscapeDataString(chargePointId)), CancellationToken.None);
            var agreed = socket.SubProtocol;
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            return (socket.HttpStatusCode, agreed);
        }
        catch (WebSocketException)
        {
            return (socket.HttpStatusCode, null);
        }
    }

    /// <summary>Waits for the next CALL of <paramref name="action"/> from the central system that matches.</summary>
    public async Task<JsonElement> ExpectCallAsync(string action, Func<JsonElement, bool>? match = null, string? what = null)
    {
        var found = _seen.FindIndex(c => c.Action == action && (match?.Invoke(c.Payload) ?? true));
        if (found >= 0)
        {
            var seen = _seen[found];
            _seen.RemoveAt(found);
            return seen.Payload;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var call = await _calls.Reader.ReadAsync(timeout.Token);
                if (call.Action == action && (match?.Invoke(call.Payload) ?? true))
                {
                    return call.Payload;
                }

                _seen.Add(call);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No {action} CALL arrived: {what ?? "expected one"}. Seen: {string.Join(", ", _seen.Select(c => c.Action))}");
            throw;
        }
    }

    public Task<JsonElement> CallAsync(string action, JsonObject payload, string? messageId = null) => Client.CallAsync(action, payload, messageId);

    public Task<JsonElement> BootAsync() =>
        CallAsync("BootNotification", new JsonObject { ["chargePointVendor"] = "TestVendor", ["chargePointModel"] = "TestBox" });

    public Task<JsonElement> StatusAsync(string status, int connectorId = 1, DateTimeOffset? timestamp = null) =>
        CallAsync("StatusNotification", new JsonObject
        {
            ["connectorId"] = connectorId,
            ["errorCode"] = status == "Faulted" ? "OtherError" : "NoError",
            ["status"] = status,
            ["timestamp"] = Time(timestamp ?? Host.Now),
        });

    public Task<JsonElement> StartAsync(string idTag, long meterStartWh, DateTimeOffset timestamp, string? messageId = null) =>
        CallAsync("StartTransaction", new JsonObject { ["connectorId"] = 1, ["idTag"] = idTag, ["meterStart"] = meterStartWh, ["timestamp"] = Time(timestamp) }, messageId);

    public Task<JsonElement> StopAsync(int transactionId, long meterStopWh, DateTimeOffset timestamp, string reason = "Local") =>
        CallAsync("StopTransaction", new JsonObject { ["transactionId"] = transactionId, ["meterStop"] = meterStopWh, ["timestamp"] = Time(timestamp), ["reason"] = reason });

    public Task<JsonElement> MeterAsync(int? transactionId, long energyWh, double powerW, DateTimeOffset timestamp)
    {
        var payload = new JsonObject
        {
            ["connectorId"] = 1,
            ["meterValue"] = new JsonArray(new JsonObject
            {
                ["timestamp"] = Time(timestamp),
                ["sampledValue"] = new JsonArray(
                    new JsonObject { ["value"] = energyWh.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Energy.Active.Import.Register", ["unit"] = "Wh" },
                    new JsonObject { ["value"] = powerW.ToString(CultureInfo.InvariantCulture), ["measurand"] = "Power.Active.Import", ["unit"] = "W" }),
            }),
        };
        if (transactionId is { } tx)
        {
            payload["transactionId"] = tx;
        }

        return CallAsync("MeterValues", payload);
    }

    /// <summary>Sends a raw frame and returns the CALLERROR's code (fails if the answer is not a CALLERROR).</summary>
    public async Task<(string Code, string Description)> ErrorOfAsync(string frame, string? messageId)
    {
        var reply = await Client.SendRawAsync(frame, messageId);
        Assert.True(reply[0].GetInt32() == 4, $"Expected a CALLERROR to {frame}, got {reply.GetRawText()}");
        return (reply[2].GetString()!, reply[3].GetString()!);
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
