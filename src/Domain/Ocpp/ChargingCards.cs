namespace Parking.Domain.Ocpp;

/// <summary>An RFID card (its OCPP idTag) registered for a resident; a blocked card is refused at the charger.</summary>
/// <remarks>
/// Moved from Parking.Grains: each [Id] is on an internal field behind a public init property, since its codec is
/// generated in Parking.Grains (ORLEANS0101) and the field keeps the stored bytes.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record ChargingCard(string IdTag, string ResidentId, bool Blocked, DateTimeOffset RegisteredAt)
{
    [Id(0)] internal string _idTag = IdTag;

    public string IdTag { get => _idTag; init => _idTag = value; }

    [Id(1)] internal string _residentId = ResidentId;

    public string ResidentId { get => _residentId; init => _residentId = value; }

    [Id(2)] internal bool _blocked = Blocked;

    public bool Blocked { get => _blocked; init => _blocked = value; }

    [Id(3)] internal DateTimeOffset _registeredAt = RegisteredAt;

    public DateTimeOffset RegisteredAt { get => _registeredAt; init => _registeredAt = value; }
}

/// <summary>
/// A compound's registered charging cards. idTags compare without regard to case, as OCPP's CiString: a card is kept
/// under its idTag in upper case. Changes only through its methods.
/// </summary>
[GenerateSerializer]
public sealed class ChargingCardsState
{
    [Id(0)] internal Dictionary<string, ChargingCard> _cards = [];

    /// <summary>The cards by their key (<see cref="Key"/> of the idTag).</summary>
    public IReadOnlyDictionary<string, ChargingCard> Cards => _cards;

    /// <summary>How an idTag is folded for lookup: OCPP's CiString compares without regard to case.</summary>
    public static string Key(string idTag)
    {
        ArgumentNullException.ThrowIfNull(idTag);
        return idTag.ToUpperInvariant();
    }

    /// <summary>The card an idTag names, whatever its case, or null.</summary>
    public ChargingCard? Find(string idTag) => _cards.GetValueOrDefault(Key(idTag));

    /// <summary>The cards by idTag.</summary>
    public IReadOnlyList<ChargingCard> Listed() => [.. _cards.Values.OrderBy(c => c.IdTag, StringComparer.Ordinal)];

    /// <summary>
    /// Registers a card for a resident, or changes its resident or whether it is blocked; a card registered before
    /// keeps the time it was first registered. Returns the card as it is now.
    /// </summary>
    public ChargingCard Register(string idTag, string residentId, bool blocked, DateTimeOffset now)
    {
        var card = new ChargingCard(idTag, residentId, blocked, Find(idTag)?.RegisteredAt ?? now);
        _cards[Key(idTag)] = card;
        return card;
    }

    /// <summary>The cards of <paramref name="residentId"/> go; returns how many.</summary>
    public int Forget(string residentId)
    {
        var keys = _cards.Where(c => c.Value.ResidentId == residentId).Select(c => c.Key).ToList();
        keys.ForEach(k => _cards.Remove(k));
        return keys.Count;
    }
}
