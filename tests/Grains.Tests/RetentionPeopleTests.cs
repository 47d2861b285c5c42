using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Membership;
using Parking.Domain.Reservations;
using Parking.Domain.Seeding;
using Parking.Grains.Compounds;
using Parking.Grains.Membership;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Whom the compound's retention sweep reaches: everyone the compound file names, through the layout, and everyone
/// else with records (joined without the file, or dropped from it by a re-import), through the retention grain's own
/// list, which a first booking of a person the file names no longer writes. One silo and a clock of its own: the
/// sweep needs the clock moved past the retention period.
/// </summary>
[Collection(RetentionPeopleCollection.Name)]
public class RetentionPeopleTests(RetentionPeopleFixture fixture)
{
    private const string StateName = "history-retention";

    private readonly IGrainFactory _grains = fixture.Grains;
    private readonly CompoundLayout _layout = fixture.Layout;

    private string Compound => _layout.CompoundId;

    private IHistoryRetentionGrain Retention => _grains.HistoryRetention(Compound);

    [Fact]
    public async Task A_first_booking_of_a_person_the_file_names_writes_nothing_to_the_retention_list()
    {
        var writesBefore = RetentionWrites();
        string[] named = ["r00011", "r00012", "r00013", "r00014", "r00015"];
        for (var i = 0; i < named.Length; i++)
        {
            await BookAndCancel(named[i], 1 + i);
        }

        // Someone the file does not name books too, after them: their entry shows the one-way notes have been handled.
        const string guest = "guest-first-booking";
        await Enrol(guest);
        await BookAndCancel(guest, 7);
        var people = await StoredPeopleOnceTheyHold(guest);

        Assert.DoesNotContain(people, p => named.Contains(p));
        foreach (var person in people)
        {
            Assert.Null(await _grains.Compound(Compound).GetUser(person));
        }

        // One write for the one person the file does not name; before, every first booking rewrote the whole list.
        Assert.Equal(1, RetentionWrites() - writesBefore);
    }

    [Fact]
    public async Task People_who_join_without_the_file_are_spread_over_the_lists_so_a_first_record_does_not_rewrite_them_all()
    {
        var guests = Enumerable.Range(0, 24).Select(i => $"guest-spread-{i:00}").ToArray();
        var writesBefore = RetentionWrites();
        for (var i = 0; i < guests.Length; i++)
        {
            await Enrol(guests[i]);
            await BookAndCancel(guests[i], 20 + i);
        }

        var lists = new List<IReadOnlySet<string>>();
        foreach (var guest in guests)
        {
            lists.Add(await StoredPeopleOnceTheyHold(guest));
        }

        // Each person is written once, into one list that holds only people of its own share; before, one list held
        // all 24 and was written whole 24 times.
        Assert.Equal(guests.Length, RetentionWrites() - writesBefore);
        Assert.All(lists, list => Assert.True(list.Count < guests.Length / 2, $"a list holds {list.Count} of {guests.Length} people"));
        var legacy = await fixture.Storage.ReadStoredOrNew<HistoryRetentionState>(StateName, Retention.GetGrainId());
        Assert.DoesNotContain(legacy.People, guests.Contains);

        // The sweep reaches every one of them.
        var days = await _grains.People(Compound).GetRetentionDays();
        RetentionPeopleFixture.Clock.Advance(TimeSpan.FromDays(days + 1));
        await Retention.Sweep();
        foreach (var guest in guests)
        {
            Assert.Empty(await _grains.Resident(Compound, guest).GetReservations());
        }
    }

    [Fact]
    public async Task The_sweep_reaches_everyone_with_records_whether_the_file_names_them_joined_without_it_or_were_dropped_by_a_re_import()
    {
        const string named = "r00021";
        const string dropped = "r00022";
        const string guest = "guest-swept";
        await BookAndCancel(named, 11);
        await BookAndCancel(dropped, 12);
        await Enrol(guest);
        await BookAndCancel(guest, 13);
        await StoredPeopleOnceTheyHold(guest);

        // A re-import drops one person with records from the file: they leave the compound, their bookings stay.
        var importer = new CompoundImporter(_grains, NullLogger<CompoundImporter>.Instance);
        var reimported = await importer.Apply(_layout with { Users = [.. _layout.Users.Where(u => u.UserId != dropped)] }, expectedVersion: null);
        Assert.True(reimported.IsSuccess, reimported.Error?.Message);
        Assert.Null(await _grains.Compound(Compound).GetUser(dropped));

        // Past the retention period, the sweep removes every one of their ended bookings.
        var days = await _grains.People(Compound).GetRetentionDays();
        RetentionPeopleFixture.Clock.Advance(TimeSpan.FromDays(days + 1));
        var sweep = await Retention.Sweep();

        foreach (var person in new[] { named, dropped, guest })
        {
            Assert.Empty(await _grains.Resident(Compound, person).GetReservations());
        }

        Assert.True(sweep.ResidentBookings >= 3, $"the sweep removed {sweep.ResidentBookings} ended bookings of residents");
    }

    /// <summary>A member of the compound whom its file does not name (as an invite or an approved request makes one).</summary>
    private async Task Enrol(string person)
    {
        var household = _layout.Households[0];
        var enrolled = await _grains.Member(person).Enrol(new CompoundMembership(Compound, UserRole.Resident, "Guest", household.Id, household.BuildingId), []);
        Assert.True(enrolled.IsSuccess, enrolled.Error?.Message);
    }

    /// <summary>The person's first record: a booking, cancelled (an ended booking the sweep may remove).</summary>
    private async Task BookAndCancel(string person, int hour)
    {
        var space = _layout.Lots.Single(l => l.LotId == "T1").Spaces[hour % 12];
        var start = RetentionPeopleFixture.Clock.GetUtcNow().AddDays(1).AddHours(hour);
        var booked = await _grains.Resident(Compound, person).Reserve(space.SpaceId, new TimeWindow(start, start.AddHours(1)), null, null);
        Assert.True(booked.IsSuccess, booked.Error?.Message);
        var cancelled = await _grains.Space(Compound, space.SpaceId).Cancel(booked.Value!.Reservation.Id, new Actor(person, IsStaff: false));
        Assert.Equal(ReservationStatus.Cancelled, cancelled.Value?.Status);
    }

    /// <summary>Writes to the compound's retention grain and to each of its lists.</summary>
    private int RetentionWrites() =>
        fixture.Storage.Writes(Retention.GetGrainId())
        + HistoryRetentionLists.All(_grains, Compound).Sum(l => fixture.Storage.Writes(l.GetGrainId()));

    /// <summary>The person's retention list as stored, once it holds <paramref name="person"/> (noted one way; bounded wait, no timing asserted).</summary>
    private async Task<IReadOnlySet<string>> StoredPeopleOnceTheyHold(string person)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var stored = await fixture.Storage.ReadStoredOrNew<HistoryRetentionState>(StateName, _grains.HistoryRetentionList(Compound, person).GetGrainId());
            if (stored.People.Contains(person))
            {
                return stored.People;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{person} never reached the stored retention list.");
            await Task.Delay(50);
        }
    }
}

/// <summary>One silo with the small demo compound, a clock of its own and a storage that counts writes.</summary>
public sealed class RetentionPeopleFixture : IAsyncLifetime
{
    public static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.Client;

    public CompoundLayout Layout { get; } = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);

    public FailingWritesStorage Storage =>
        (FailingWritesStorage)((InProcessSiloHandle)Cluster.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);

    public async Task InitializeAsync()
    {
        await Cluster.DeployAsync();
        await ClusterFixture.Seed(Grains, Layout, Clock);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        private const string Inner = "retention-people-inner";

        public void Configure(ISiloBuilder siloBuilder)
        {
            ClusterFixture.ConfigureSilo(siloBuilder, Inner, Clock);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(
                GrainKeys.StorageName, (services, _) => new FailingWritesStorage(services.GetRequiredKeyedService<IGrainStorage>(Inner)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RetentionPeopleCollection : ICollectionFixture<RetentionPeopleFixture>
{
    public const string Name = "retention-people";
}
