using Parking.Domain.Gates;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Domain.Tests.Gates;

/// <summary>A leaver's plates stop naming anyone at the gate, except a car another resident has registered too.</summary>
public class LeaverPlatesTests
{
    private static ResidentEntry Resident(string personId, params string[] plates) =>
        new(personId, personId, "h1", "b1", plates, "1-0101");

    [Fact]
    public void Plates_only_the_leaver_has_are_all_anonymised()
    {
        var plates = LeaverPlates.ToAnonymise("r1", ["沪A12345", "沪AD12345"], [Resident("r1", "沪A12345", "沪AD12345")]);

        Assert.Equal(["沪A12345", "沪AD12345"], plates.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_car_another_resident_registered_keeps_its_plate_while_the_leavers_own_car_loses_it()
    {
        var plates = LeaverPlates.ToAnonymise(
            "r1",
            ["沪A12345", "沪AD12345"],
            [Resident("r1", "沪A12345", "沪AD12345"), Resident("r2", "沪AD12345"), Resident("r3", "沪B99999")]);

        Assert.Equal(["沪A12345"], plates);
    }

    [Fact]
    public void The_last_holder_of_a_shared_car_takes_its_plate_when_leaving()
    {
        // r1 left before: the index no longer holds them, so r2 is the car's only holder.
        var plates = LeaverPlates.ToAnonymise("r2", ["沪AD12345"], [Resident("r2", "沪AD12345")]);

        Assert.Equal(["沪AD12345"], plates);
    }

    [Fact]
    public void A_plate_the_leaver_booked_with_that_another_resident_registered_is_kept()
    {
        // A booking's plate names the leaver at the gate too, but it is the other resident's car.
        var plates = LeaverPlates.ToAnonymise("r1", ["沪C55555"], [Resident("r1"), Resident("r4", "沪C55555")]);

        Assert.Empty(plates);
    }

    [Fact]
    public void A_car_a_member_of_staff_registered_keeps_its_plate_but_the_leavers_own_staff_record_does_not()
    {
        var plates = LeaverPlates.ToAnonymise(
            "r1",
            ["沪A12345", "沪AD12345", "沪B77777"],
            [Resident("r1", "沪A12345", "沪AD12345", "沪B77777")],
            [("staff01", ["沪AD12345"]), ("r1", ["沪B77777"]), ("committee01", [])]);

        Assert.Equal(["沪A12345", "沪B77777"], plates.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_visitor_plate_another_person_has_a_live_booking_for_is_kept_but_one_only_the_leaver_booked_with_is_not()
    {
        // r1 booked spaces for two visitors; r2 expects the first too (their own live booking names its plate).
        var plates = LeaverPlates.ToAnonymise(
            "r1",
            ["沪C47048", "沪C11111"],
            [Resident("r1"), Resident("r2")],
            bookings: [("r2", "沪C47048"), ("r1", "沪C11111"), ("r1", "沪C47048")]);

        Assert.Equal(["沪C11111"], plates);
    }
}
