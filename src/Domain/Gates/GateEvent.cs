using System.Globalization;
using Parking.Domain.Reservations;

namespace Parking.Domain.Gates;

/// <summary>The rules of gate cameras. Bound from configuration section <c>Parking:Gates</c>.</summary>
public sealed class GatePolicy
{
    public const string SectionName = "Parking:Gates";

    /// <summary>A reading below this confidence (0–1) is not trusted: it goes to staff.</summary>
    public double MinConfidence { get; set; } = 0.8;

    /// <summary>A signed request whose timestamp is further than this from the host's clock is refused.</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An event time further than this in the future is refused (a camera with a wrong clock).</summary>
    public TimeSpan MaxEventAhead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a gate remembers the events it decided (retries within it get the same answer).</summary>
    public TimeSpan EventMemory { get; set; } = TimeSpan.FromDays(2);
}

public enum GateDirection
{
    In,
    Out,
}

/// <summary>Plate colours of Chinese plates: blue (small cars), yellow (large), green (new energy), white (police, military), black (foreign).</summary>
public enum PlateColour
{
    Blue,
    Yellow,
    Green,
    White,
    Black,
}

/// <summary>What a camera saw: a car at the gate, its plate as read, and how sure the reading is.</summary>
[GenerateSerializer, Immutable]
public sealed record GateEvent(
    [Id(0)] string EventId,
    [Id(1)] GateDirection Direction,
    [Id(2)] string Plate,
    [Id(3)] PlateColour Colour,
    [Id(4)] double Confidence,
    [Id(5)] DateTimeOffset At,
    [Id(6)] string? Picture);

/// <summary>Plates as the cameras and the drivers write them, made comparable.</summary>
public static class PlateNumber
{
    /// <summary>
    /// The plate's canonical spelling (<see cref="Membership.Plate"/>: 沪A·12345 and 沪a 12345 are the same car),
    /// or null when the text is not a Chinese number plate.
    /// </summary>
    public static string? Normalize(string? plate) => Membership.Plate.TryParse(plate, out var parsed) ? parsed.Value : null;
}

/// <summary>Why the gate opened or stayed shut; the API writes it in kebab case (<c>no-reservation-lots-full</c>).</summary>
public enum GateReason
{
    CheckedIn,
    CheckedOut,
    VisitorPass,
    HouseholdCar,
    ResidentCar,
    Exit,
    UnknownPlate,
    LowConfidence,
    NoReservationLotsFull,
    CheckInRefused,
    CheckOutRefused,
}

/// <summary>
/// The fields of a <see cref="GateDecision"/> as earlier builds stored them, the reason as its kebab-case word:
/// the first layer of the stored form. Earlier builds stored the decision as a positional record, which the
/// serializer writes as one layer and an end-of-base mark; this class keeps that layer as it was, and
/// <see cref="GateDecision"/> adds the reason as an enum in the layer after it. The fields are internal, as in
/// <see cref="Rounds.RoundBook"/>: their codec is generated in Parking.Grains.
/// </summary>
[GenerateSerializer]
public abstract class GateDecisionLayout
{
    [Id(0)] internal string _eventId = string.Empty;
    [Id(1)] internal string _gateId = string.Empty;
    [Id(2)] internal bool _open;
    [Id(3)] internal string? _storedReasonWord;
    [Id(4)] internal string? _reservationId;
    [Id(5)] internal string? _spaceId;
    [Id(6)] internal bool _review;
    [Id(7)] internal DateTimeOffset _decidedAt;

    private protected GateDecisionLayout()
    {
    }
}

/// <summary>What the gate answers and why (<see cref="GateReason"/>). Review: the event is on the staff list.</summary>
[GenerateSerializer, Immutable]
public sealed class GateDecision : GateDecisionLayout
{
    // Null in a decision an earlier build stored: it has only the word.
    [Id(0)] internal GateReason? _reason;

    public GateDecision(string eventId, string gateId, bool open, GateReason reason, string? reservationId, string? spaceId, bool review, DateTimeOffset decidedAt)
    {
        (_eventId, _gateId, _open, _reason) = (eventId, gateId, open, reason);
        (_reservationId, _spaceId, _review, _decidedAt) = (reservationId, spaceId, review, decidedAt);
    }

    public string EventId => _eventId;

    public string GateId => _gateId;

    public bool Open => _open;

    public GateReason Reason => _reason ?? GateReasons.Parse(_storedReasonWord);

    public string? ReservationId => _reservationId;

    public string? SpaceId => _spaceId;

    public bool Review => _review;

    public DateTimeOffset DecidedAt => _decidedAt;
}

/// <summary>The words earlier builds stored for a <see cref="GateReason"/>.</summary>
public static class GateReasons
{
    public static GateReason Parse(string? word)
    {
        foreach (var reason in Enum.GetValues<GateReason>())
        {
            if (string.Equals(Word(reason), word, StringComparison.Ordinal))
            {
                return reason;
            }
        }

        throw new FormatException($"'{word}' is not a gate reason.");
    }

    private static string Word(GateReason reason) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(reason.ToString());
}

/// <summary>What Parking knows of a plate at an instant: its reservations that hold now or soon, and whose car it is.</summary>
[GenerateSerializer, Immutable]
public sealed record PlateFacts(
    [Id(0)] Reservation? CheckedIn,
    [Id(1)] Reservation? Arriving,
    [Id(2)] bool HouseholdCar,
    [Id(3)] bool HouseholdHasOwnSpace,
    [Id(4)] bool VisitorPass)
{
    public static readonly PlateFacts Unknown = new(null, null, false, false, false);
}

/// <summary>What a gate event should do: check a reservation in or out, or nothing; open or not; and whether staff must look.</summary>
public enum GateAction
{
    None,
    CheckIn,
    CheckOut,
}

public sealed record GateVerdict(GateAction Action, Reservation? Reservation, bool Open, GateReason Reason, bool Review);

/// <summary>The gate's decision, a pure function of the event and what is known of its plate.</summary>
public static class GateRules
{
    /// <summary>
    /// Whether every lot is full (no space free), from each lot's counts by status: a lot that gives no counts (not
    /// built yet) takes no car. A car without a booking then goes to staff.
    /// </summary>
    public static bool LotsFull(IEnumerable<IReadOnlyDictionary<SpaceStatus, int>?> lots)
    {
        ArgumentNullException.ThrowIfNull(lots);
        return lots.All(counts => counts is null || counts.GetValueOrDefault(SpaceStatus.Free) == 0);
    }

    public static DomainError? Validate(GateEvent e, DateTimeOffset now, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(policy);
        if (string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > 64)
        {
            return DomainError.Invalid("eventId", "event-id-invalid", "eventId is required, at most 64 characters.");
        }

        if (!Enum.IsDefined(e.Direction))
        {
            return DomainError.Invalid("direction", "direction-invalid", "direction is in or out.");
        }

        // The one plate rule, as for residents' cars and visitors' passes: the camera's reading must be a plate.
        if (Membership.Plate.Parse(e.Plate, "plate").Error is { } badPlate)
        {
            return badPlate;
        }

        if (!Enum.IsDefined(e.Colour))
        {
            return DomainError.Invalid("plateColour", "plate-colour-invalid", "plateColour is blue, yellow, green, white or black.");
        }

        if (!double.IsFinite(e.Confidence) || e.Confidence < 0 || e.Confidence > 1)
        {
            return DomainError.Invalid("confidence", "confidence-invalid", "confidence is a number from 0 to 1.");
        }

        if (e.At > now + policy.MaxEventAhead)
        {
            return DomainError.Invalid("eventTime", "event-time-invalid", string.Create(CultureInfo.InvariantCulture, $"eventTime is more than {policy.MaxEventAhead.TotalMinutes:0} minutes ahead of the server's clock."));
        }

        if (e.Picture is { Length: > 500 })
        {
            return DomainError.Invalid("pictureRef", "picture-invalid", "pictureRef is at most 500 characters.");
        }

        return null;
    }

    public static GateVerdict Decide(GateEvent e, PlateFacts facts, bool lotsFull, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(policy);
        if (e.Direction == GateDirection.Out)
        {
            // A car leaving is never held at the barrier; an uncertain reading still goes to staff.
            if (e.Confidence < policy.MinConfidence)
            {
                return new GateVerdict(GateAction.None, null, true, GateReason.LowConfidence, Review: true);
            }

            return facts.CheckedIn is { } parked
                ? new GateVerdict(GateAction.CheckOut, parked, true, GateReason.CheckedOut, false)
                : new GateVerdict(GateAction.None, null, true, GateReason.Exit, Review: !facts.HouseholdCar);
        }

        if (e.Confidence < policy.MinConfidence)
        {
            return new GateVerdict(GateAction.None, null, false, GateReason.LowConfidence, Review: true);
        }

        if (facts.CheckedIn is { } inside)
        {
            return new GateVerdict(GateAction.None, inside, true, facts.VisitorPass ? GateReason.VisitorPass : GateReason.CheckedIn, false);
        }

        if (facts.Arriving is { } arriving)
        {
            return new GateVerdict(GateAction.CheckIn, arriving, true, facts.VisitorPass ? GateReason.VisitorPass : GateReason.CheckedIn, false);
        }

        if (facts.HouseholdCar)
        {
            if (facts.HouseholdHasOwnSpace)
            {
                return new GateVerdict(GateAction.None, null, true, GateReason.HouseholdCar, false);
            }

            return lotsFull
                ? new GateVerdict(GateAction.None, null, true, GateReason.NoReservationLotsFull, Review: true)
                : new GateVerdict(GateAction.None, null, true, GateReason.ResidentCar, false);
        }

        return new GateVerdict(GateAction.None, null, false, GateReason.UnknownPlate, Review: true);
    }
}
