using Orleans.Runtime;
using Parking.Domain.Membership;

namespace Parking.Grains.Membership;

/// <summary>
/// A person (key: their subject, <c>sub</c>, at the identity issuer): memberships, roles and vehicles. It is the single
/// writer of both per-compound lists that name people: the roster (roles beyond resident) and the resident index
/// (residents with their names, households and plates), told after each change is stored.
/// </summary>
public interface IMemberGrain : IGrainWithStringKey
{
    /// <summary>
    /// Interleaves with a change in progress (it answers the record as last assigned): the compound's roster, told of a
    /// role change while this grain waits for it, may read members when it first activates.
    /// </summary>
    [AlwaysInterleave]
    Task<MemberRecord> Get();

    /// <summary>Joins a compound (or changes the role there) and registers the cars by plate; a bad plate refuses it all.</summary>
    Task<Outcome<MemberRecord>> Enrol(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles);

    /// <summary>
    /// As <see cref="Enrol"/>, for an import: the importer tells the compound's own resident index itself, for a batch of
    /// people at once (<see cref="ResidentIndex.TellMany"/>); the person's other compounds, whose entries a car added
    /// changes too, are told here as <see cref="Enrol"/> tells them.
    /// </summary>
    Task<Outcome<MemberRecord>> EnrolByImport(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles);

    Task<MemberRecord> Leave(string compoundId);

    /// <summary>Registers a car the person typed; a bad plate is refused (field <c>plate</c>) and changes nothing.</summary>
    Task<Outcome<MemberRecord>> AddCar(string? plate, bool isElectric);

    Task<Outcome<MemberRecord>> RemoveCar(string? plate);

    Task<Outcome<MemberRecord>> AddEBike(string? label);

    Task<Outcome<MemberRecord>> RemoveEBike(string? label);
}

/// <summary>A person's stored record; only the member grain replaces it, with what <see cref="MemberRecord"/>'s methods decided.</summary>
[GenerateSerializer]
public sealed class MemberState
{
    [Id(0)]
    public MemberRecord Record { get; internal set; } = MemberRecord.Empty;
}

public sealed class MemberGrain(
    [PersistentState("member", GrainKeys.StorageName)] IPersistentState<MemberState> state) : Grain, IMemberGrain
{
    public Task<MemberRecord> Get() => Task.FromResult(state.State.Record);

    public Task<Outcome<MemberRecord>> Enrol(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles) =>
        Enrol(membership, vehicles, indexToldByCaller: false);

    public Task<Outcome<MemberRecord>> EnrolByImport(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles) =>
        Enrol(membership, vehicles, indexToldByCaller: true);

    private async Task<Outcome<MemberRecord>> Enrol(CompoundMembership membership, IReadOnlyList<Vehicle> vehicles, bool indexToldByCaller)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var enrolled = state.State.Record.Enrol(membership, vehicles);
        if (enrolled.Value is not { } record)
        {
            return enrolled.Error!;
        }

        if (record != state.State.Record)
        {
            var before = state.State.Record;
            state.State.Record = record;
            await state.WriteStateAsync();
            await TellRoster(membership.CompoundId, before, record);
            await ResidentIndex.Tell(GrainFactory, this.GetPrimaryKeyString(), before, record, indexToldByCaller ? membership.CompoundId : null);
        }

        return record;
    }

    /// <summary>The compound's roster hears of every staff, committee or operator role given or taken (never of residents).</summary>
    private async Task TellRoster(string compoundId, MemberRecord before, MemberRecord after)
    {
        var was = before.Memberships.FirstOrDefault(m => m.CompoundId == compoundId);
        var now = after.Memberships.FirstOrDefault(m => m.CompoundId == compoundId);
        if (was is { Role: not UserRole.Resident } || now is { Role: not UserRole.Resident })
        {
            await GrainFactory.CompoundRoster(compoundId).Set(this.GetPrimaryKeyString(), now);
        }
    }

    public Task<Outcome<MemberRecord>> AddCar(string? plate, bool isElectric) => Store(state.State.Record.AddCar(plate, isElectric));

    public Task<Outcome<MemberRecord>> RemoveCar(string? plate) => Store(state.State.Record.RemoveCar(plate));

    public Task<Outcome<MemberRecord>> AddEBike(string? label) => Store(state.State.Record.AddEBike(label));

    public Task<Outcome<MemberRecord>> RemoveEBike(string? label) => Store(state.State.Record.RemoveEBike(label));

    private async Task<Outcome<MemberRecord>> Store(Outcome<MemberRecord> changed)
    {
        if (changed.Value is { } record && record != state.State.Record)
        {
            var before = state.State.Record;
            state.State.Record = record;
            await state.WriteStateAsync();
            await ResidentIndex.Tell(GrainFactory, this.GetPrimaryKeyString(), before, record);
        }

        return changed;
    }

    public async Task<MemberRecord> Leave(string compoundId)
    {
        var record = state.State.Record.Leave(compoundId);
        if (record != state.State.Record)
        {
            var before = state.State.Record;
            state.State.Record = record;
            await state.WriteStateAsync();
            await TellRoster(compoundId, before, record);
            await ResidentIndex.Tell(GrainFactory, this.GetPrimaryKeyString(), before, record);
        }

        return record;
    }
}
