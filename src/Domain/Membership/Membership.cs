using Parking.Domain.Layout;

namespace Parking.Domain.Membership;

/// <summary>Who a person is in one compound: their role there and, for a resident, their household.</summary>
[GenerateSerializer, Immutable]
public sealed record CompoundMembership(
    [Id(0)] string CompoundId,
    [Id(1)] UserRole Role,
    [Id(2)] string DisplayName,
    [Id(3)] string? HouseholdId = null,
    [Id(4)] string? BuildingId = null);

/// <summary>
/// What Parking keeps about a person, keyed by their subject at the identity issuer: the compounds they belong
/// to, in which role, and their vehicles. The issuer only says who someone is; the rights come from here.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MemberRecord(
    [Id(0)] IReadOnlyList<CompoundMembership> Memberships,
    [Id(1)] IReadOnlyList<MemberVehicle> Vehicles)
{
    public static MemberRecord Empty { get; } = new([], []);

    /// <summary>Adds the membership, or replaces the one the person already had in that compound.</summary>
    public MemberRecord Join(CompoundMembership membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return this with { Memberships = [.. Memberships.Where(m => m.CompoundId != membership.CompoundId), membership] };
    }

    /// <summary>
    /// Joins a compound (or changes the role there) and registers the cars by plate; the first bad plate refuses it
    /// all (field <c>plate</c>), so nothing of it is kept.
    /// </summary>
    public Outcome<MemberRecord> Enrol(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles)
    {
        ArgumentNullException.ThrowIfNull(vehicles);
        var record = Join(membership);
        foreach (var vehicle in vehicles)
        {
            var added = record.AddCar(vehicle.Plate, vehicle.IsElectric);
            if (added.Error is { } error)
            {
                return error;
            }

            record = added.Value!;
        }

        return record;
    }

    public MemberRecord Leave(string compoundId) =>
        this with { Memberships = [.. Memberships.Where(m => m.CompoundId != compoundId)] };

    /// <summary>Registers a car by its plate; the same plate twice is kept once.</summary>
    public Outcome<MemberRecord> AddCar(string? plateText, bool isElectric)
    {
        var car = MemberVehicle.Car(plateText, isElectric);
        if (car.Error is { } error)
        {
            return error;
        }

        return Vehicles.Any(v => v.Plate == car.Value!.Plate)
            ? this
            : this with { Vehicles = [.. Vehicles, car.Value!] };
    }

    /// <summary>Registers an e-bike by the name its owner gives it; the same name twice is kept once.</summary>
    public Outcome<MemberRecord> AddEBike(string? label)
    {
        var bike = MemberVehicle.EBike(label);
        if (bike.Error is { } error)
        {
            return error;
        }

        return Vehicles.Any(v => v.Type == VehicleType.EBike && v.Label == bike.Value!.Label)
            ? this
            : this with { Vehicles = [.. Vehicles, bike.Value!] };
    }

    /// <summary>Takes an e-bike off the person's record; a name they never registered is refused (field <c>label</c>).</summary>
    public Outcome<MemberRecord> RemoveEBike(string? label)
    {
        var name = label?.Trim();
        return Vehicles.Any(v => v.Type == VehicleType.EBike && v.Label == name)
            ? this with { Vehicles = [.. Vehicles.Where(v => !(v.Type == VehicleType.EBike && v.Label == name))] }
            : DomainError.NotFound("vehicle-not-found", $"No e-bike named '{name}' is registered to you.");
    }

    /// <summary>Takes a car off the person's record; a plate they never registered is refused (field <c>plate</c>).</summary>
    public Outcome<MemberRecord> RemoveCar(string? plateText)
    {
        var plate = Plate.Parse(plateText, "plate");
        if (plate.Error is { } error)
        {
            return error;
        }

        return Vehicles.Any(v => v.Plate == plate.Value)
            ? this with { Vehicles = [.. Vehicles.Where(v => v.Plate != plate.Value)] }
            : DomainError.NotFound("vehicle-not-found", $"No vehicle with plate '{plate.Value.Value}' is registered to you.");
    }

    /// <summary>
    /// The membership a request acts in: the compound it names, or the person's only compound when it names none.
    /// A person of several compounds picks one (the app asks); nobody acts in a compound they do not belong to.
    /// </summary>
    public Outcome<CompoundMembership> In(string? compoundId)
    {
        if (compoundId is not null)
        {
            if (Memberships.FirstOrDefault(m => m.CompoundId == compoundId) is { } membership)
            {
                return membership;
            }

            // A sub-district operator watches every compound: they act in the one named, as its operator.
            return Memberships.FirstOrDefault(m => m.Role == UserRole.Operator) is { } operatorRole
                ? operatorRole with { CompoundId = compoundId, HouseholdId = null, BuildingId = null }
                : DomainError.Forbidden($"You are not a member of compound '{compoundId}'.");
        }

        return Memberships.Count switch
        {
            0 => DomainError.Forbidden("You are not a member of any compound yet."),
            1 => Memberships[0],
            _ => DomainError.Invalid("compoundId", "compound-required", "You belong to several compounds: name the one you act in."),
        };
    }
}
