using System.Reflection;
using System.Text.Json;
using Parking.Domain.Credits;
using Parking.Domain.Reservations;
using Xunit;

namespace Parking.Domain.Tests.Sharing;

/// <summary>The ledger grain stores a copy of the ledger; a property the copy forgets would be lost on every write.</summary>
public class LedgerCopyTests
{
    [Fact]
    public void A_copy_holds_every_stored_property_in_collections_of_its_own()
    {
        var ledger = new CreditLedger { ArchivedChunks = 3 };
        var booking = Reservation.NewId("G1-007", Guid.NewGuid());
        ledger.Charge(booking, Accounts.Household("H1"), Accounts.Household("H9"), 4, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        ledger.Charge(Reservation.NewId("G1-008", Guid.NewGuid()), Accounts.Household("H2"), Accounts.Household("H9"), 6, SpaceCalendarTests.Hours(1, 3), 20, SharingPlanTests.Now);
        ledger.Refund(booking, SharingPlanTests.Now);

        var copy = ledger.Copy();

        foreach (var property in typeof(CreditLedger).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var original = property.GetValue(ledger);
            var copied = property.GetValue(copy);
            Assert.True(JsonSerializer.Serialize(original) == JsonSerializer.Serialize(copied), $"{property.Name} is not copied");
            if (original is System.Collections.IEnumerable && original is not string)
            {
                Assert.False(ReferenceEquals(original, copied), $"{property.Name} is shared with the copy");
            }
        }
    }
}
