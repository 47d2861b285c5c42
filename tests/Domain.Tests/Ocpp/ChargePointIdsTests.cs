using Parking.Domain.Ocpp;
using Xunit;

namespace Parking.Domain.Tests.Ocpp;

/// <summary>A charge point's id is its compound's and its charger's, joined by a dot.</summary>
public class ChargePointIdsTests
{
    [Fact]
    public void An_id_that_is_not_compound_dot_charger_is_refused()
    {
        foreach (var id in new[] { "", "c1", "c1.", ".ch1", "c1.ch1.x", "c1/ch1", "c 1.ch1" })
        {
            var refused = ChargePointIds.Refused(id)!;
            Assert.Equal(
                (ErrorKind.Validation, "charge-point-id", "A charge point id is {compoundId}.{chargerId}.", "chargePointId"),
                (refused.Kind, refused.Code, refused.Message, refused.Field));
        }
    }

    [Fact]
    public void A_compound_dot_charger_id_is_taken()
    {
        Assert.Null(ChargePointIds.Refused("demo-1.ch-07"));
        Assert.Null(ChargePointIds.Refused(ChargePointIds.Of("c1", "ch1")));
    }
}
