using Orleans.Runtime;

namespace Parking.Grains.Notifications;

/// <summary>
/// The silo a hub host lives in, read from its observer's identity: a web host that shares a silo's process
/// registers an observer of that silo's hosted client, whose identity carries the silo's address
/// (<c>sys.client/hosted-127.0.0.1:11111@…+…</c>). Other observers (an external client's) name no silo.
/// </summary>
public static class HubHostSilo
{
    private const string HostedPrefix = "hosted-";

    /// <summary>The type of a client's identity and of its observers' (<c>sys.client</c>).</summary>
    private static readonly GrainType ClientType = GrainType.Create("sys.client");

    /// <summary>Between a client's key and the observer's own in an observer's identity.</summary>
    private const char ObserverSeparator = '+';

    /// <summary>The silo of <paramref name="observer"/>'s host, or null when its identity names none.</summary>
    public static SiloAddress? Of(IHubObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return Of(observer.GetGrainId());
    }

    /// <summary>The silo named by an observer's identity <paramref name="id"/>, or null when it names none.</summary>
    public static SiloAddress? Of(GrainId id)
    {
        if (!id.Type.Equals(ClientType))
        {
            return null;
        }

        var key = id.Key.ToString();
        if (key is null || !key.StartsWith(HostedPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = key.IndexOf(ObserverSeparator, HostedPrefix.Length);
        var address = end < 0 ? key[HostedPrefix.Length..] : key[HostedPrefix.Length..end];
        try
        {
            return SiloAddress.FromParsableString(address);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
