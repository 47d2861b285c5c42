using System.Text.RegularExpressions;

namespace Parking.Domain.Ocpp;

/// <summary>
/// A charge point's OCPP identity is <c>{compoundId}.{chargerId}</c>: unique across the compounds of a cluster,
/// readable by staff who configure the charger, and free of characters a URL path would need to escape.
/// </summary>
public static partial class ChargePointIds
{
    public static string Of(string compoundId, string chargerId) => $"{compoundId}.{chargerId}";

    public static bool TryParse(string chargePointId, out string compoundId, out string chargerId)
    {
        compoundId = chargerId = string.Empty;
        if (!Pattern().IsMatch(chargePointId))
        {
            return false;
        }

        var dot = chargePointId.IndexOf('.', StringComparison.Ordinal);
        compoundId = chargePointId[..dot];
        chargerId = chargePointId[(dot + 1)..];
        return true;
    }

    /// <summary>Refused with <c>charge-point-id</c> when <paramref name="chargePointId"/> is not <c>{compoundId}.{chargerId}</c>.</summary>
    public static DomainError? Refused(string chargePointId) => TryParse(chargePointId, out _, out _)
        ? null
        : DomainError.Invalid("chargePointId", "charge-point-id", "A charge point id is {compoundId}.{chargerId}.");

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}\\.[A-Za-z0-9-]{1,64}$")]
    private static partial Regex Pattern();
}
