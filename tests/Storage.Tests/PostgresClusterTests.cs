using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Parking.Domain;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Seeding;
using Parking.Grains;
using Parking.Grains.Membership;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Storage.Tests;

[Collection(PostgresCollection.Name)]
public class PostgresClusterTests(PostgresFixture postgres)
{
    private static readonly Actor Staff = new("staff01", IsStaff: true);

    [Fact]
    public async Task A_reservation_survives_a_full_cluster_restart()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var space = layout.Lots[0].Spaces.First(s => s.Ownership != SpaceOwnership.Private);
        var start = DateTimeOffset.UtcNow.AddHours(2);
        var window = new TimeWindow(start, start.AddHours(2));

        string reservationId;
        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId))
        {
            Assert.Equal(2, (await first.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count);
            await SeedAsync(first.Client, layout);
            var made = await first.Client.Resident(layout.CompoundId, "r00001").Reserve(space.SpaceId, window, "沪A12345", null);
            Assert.True(made.IsSuccess, made.Error?.Message);
            reservationId = made.Value!.Reservation.Id;
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId);
        var read = await second.Client.Space(layout.CompoundId, space.SpaceId).GetReservation(reservationId, Staff);

        Assert.True(read.IsSuccess, read.Error?.Message);
        Assert.Equal(window, read.Value!.Window);
        Assert.Equal("r00001", read.Value.ResidentId);
        Assert.False(await second.Client.Compound(layout.CompoundId).InitializeLayout(layout), "the layout should have survived the restart");
    }

    [Fact]
    public async Task A_space_holding_many_bookings_stored_partly_as_recent_changes_reads_every_booking_back_after_a_full_cluster_restart()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "recent-" + Guid.NewGuid().ToString("N")[..8];
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var space = layout.Lots[0].Spaces.Last(s => s.Ownership == SpaceOwnership.Common);
        var drivers = layout.Users.Where(u => u.Role == UserRole.Resident && u.HouseholdId is not null)
            .GroupBy(u => u.HouseholdId, StringComparer.Ordinal).Select(g => g.First()).Take(4).ToList();
        var origin = DateTimeOffset.UtcNow.AddHours(2);
        var made = new List<Reservation>();

        // Enough bookings that most are stored as changes apart from the whole calendar (state space-recent), then a
        // cancellation (a change of one already stored).
        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId))
        {
            await SeedAsync(first.Client, layout);
            var grain = first.Client.Space(layout.CompoundId, space.SpaceId);
            for (var i = 0; i < 40; i++)
            {
                var driver = drivers[i % drivers.Count];
                var start = origin.AddMinutes(30 * i);
                var booked = await grain.Reserve(new ReserveCommand(driver.UserId, new TimeWindow(start, start.AddMinutes(30)), null, Guid.NewGuid(), driver.HouseholdId));
                Assert.True(booked.IsSuccess, booked.Error?.Message);
                made.Add(booked.Value!);
            }

            Assert.Equal(ReservationStatus.Cancelled, (await grain.Cancel(made[^1].Id, Staff)).Value?.Status);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId);
        var space2 = second.Client.Space(layout.CompoundId, space.SpaceId);
        var held = (await space2.GetAvailability())!.Held;
        foreach (var reservation in made)
        {
            var read = await space2.GetReservation(reservation.Id, Staff);
            Assert.Equal(reservation.Id == made[^1].Id ? ReservationStatus.Cancelled : ReservationStatus.Reserved, read.Value?.Status);
            Assert.Equal(reservation.Id != made[^1].Id, held.Contains(reservation.Window));
        }
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_and_leaves_the_first_writers_state()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        await using var cluster = await PostgresCluster.StartAsync(connectionString, "etag-" + Guid.NewGuid().ToString("N")[..8]);
        var storage = cluster.Services().GetRequiredKeyedService<IGrainStorage>(GrainKeys.StorageName);
        var grainId = GrainId.Create("parkingspace", "etag-test/S1");

        // Two first writes (no etag, as two activations that both found no row): only one may insert.
        var created = new GrainState<string>("created");
        await storage.WriteStateAsync("space", grainId, created);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("space", grainId, new GrainState<string>("duplicate")));

        // Two writers that read the same version: the first wins, the second is told it is stale.
        var writerA = new GrainState<string>();
        var writerB = new GrainState<string>();
        await storage.ReadStateAsync("space", grainId, writerA);
        await storage.ReadStateAsync("space", grainId, writerB);
        Assert.Equal(writerA.ETag, writerB.ETag);
        writerA.State = "first writer";
        await storage.WriteStateAsync("space", grainId, writerA);
        writerB.State = "second writer";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("space", grainId, writerB));

        var stored = new GrainState<string>();
        await storage.ReadStateAsync("space", grainId, stored);
        Assert.Equal("first writer", stored.State);
        Assert.Equal(writerA.ETag, stored.ETag);
        Assert.Equal(1L, await CountAsync(connectionString, "SELECT count(*) FROM orleansstorage WHERE graintypestring = 'space'"));
    }

    [Fact]
    public async Task A_reminder_can_be_registered_and_read_back()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        await using var cluster = await PostgresCluster.StartAsync(connectionString, "reminder-" + Guid.NewGuid().ToString("N")[..8]);
        var reminders = cluster.Services().GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("parkingspace", "reminder-test/S1");
        var startAt = new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc);

        var etag = await reminders.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "no-show-sweep", StartAt = startAt, Period = TimeSpan.FromMinutes(5) });
        var read = await reminders.ReadRow(grainId, "no-show-sweep");
        var all = await reminders.ReadRows(grainId);

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(startAt, read.StartAt.ToUniversalTime());
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Single(all.Reminders);
        Assert.True(await reminders.RemoveRow(grainId, "no-show-sweep", etag!));
        Assert.Empty((await reminders.ReadRows(grainId)).Reminders);
    }

    [Fact]
    public async Task A_compounds_invites_audit_trail_and_redeemed_membership_survive_a_full_cluster_restart()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "people-" + Guid.NewGuid().ToString("N")[..8];
        var layout = DemoCompoundGenerator.Generate(DemoCompoundSize.Small);
        var staff = new Parking.Grains.Membership.PeopleActor("staff01", UserRole.Staff);

        string code;
        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId))
        {
            await SeedAsync(first.Client, layout);
            var people = first.Client.GetGrain<Parking.Grains.Membership.ICompoundPeopleGrain>(layout.CompoundId);
            code = (await people.CreateInvite(staff, "H00003", 7)).Value!.Invite.Code;
            Assert.True((await people.RedeemInvite(code, "newcomer", "Zhang Wei")).IsSuccess);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId);
        var read = second.Client.GetGrain<Parking.Grains.Membership.ICompoundPeopleGrain>(layout.CompoundId);
        Assert.Equal(
            [Parking.Domain.Membership.AuditAction.InviteCreated, Parking.Domain.Membership.AuditAction.InviteRedeemed],
            (await read.GetAudit(10)).Reverse().Select(e => e.Action));
        Assert.Equal("invite-used", (await read.RedeemInvite(code, "someone-else", "Li Na")).Error!.Code);
        var member = await second.Client.GetGrain<Parking.Grains.Membership.IMemberGrain>("newcomer").Get();
        Assert.Equal("H00003", Assert.Single(member.Memberships).HouseholdId);
        Assert.Equal(layout.CompoundId, await second.Client.GetGrain<Parking.Grains.Membership.IInviteCodeGrain>(code).GetCompound());
        var reminders = second.Services().GetRequiredService<IReminderTable>();
        Assert.NotNull(await reminders.ReadRow(GrainId.Create("compoundpeople", layout.CompoundId), Parking.Grains.Membership.CompoundPeopleGrain.RetentionReminder));
    }

    [Fact]
    public async Task Import_jobs_and_the_compounds_import_slot_survive_a_full_cluster_restart()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "jobs-" + Guid.NewGuid().ToString("N")[..8];
        const string compound = "job-gardens";
        var at = DateTimeOffset.UtcNow;
        var step = new Parking.Grains.Compounds.ImportStep("spaces-added", 200, 6000, Committed: true);

        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId))
        {
            var applied = first.Client.ImportJob("job-applied");
            await applied.Start(compound, "operator01", at);
            await applied.End(Parking.Grains.Compounds.ImportJobState.Applied, at.AddSeconds(5), null, "{\"layoutVersion\":3}");

            var running = first.Client.ImportJob("job-running");
            await running.Start(compound, "operator01", at);
            Assert.True(await running.Report(step));
            Assert.Null(await first.Client.Compound(compound).ClaimImport("job-running"));
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId);
        var ended = await second.Client.ImportJob("job-applied").Get();
        Assert.True(ended is { State: Parking.Grains.Compounds.ImportJobState.Applied, CompoundId: compound, StartedBy: "operator01", ReportJson: "{\"layoutVersion\":3}" }, ended?.ToString());
        var still = await second.Client.ImportJob("job-running").Get();
        Assert.True(still is { State: Parking.Grains.Compounds.ImportJobState.Running } && still.Step == step, still?.ToString());

        // The slot is stored too: another job of the compound is refused while the first one's record says it runs.
        var refused = await second.Client.Compound(compound).ClaimImport("job-other");
        Assert.Equal("import-running", refused?.Code);
        Assert.Contains("job-running", refused!.Message, StringComparison.Ordinal);
        Assert.Equal("job-running", await second.Client.Compound(compound).GetImportJob());
    }

    [Fact]
    public async Task A_compounds_resident_index_survives_a_full_cluster_restart()
    {
        var connectionString = await postgres.NewMigratedDatabaseAsync();
        var serviceId = "residents-" + Guid.NewGuid().ToString("N")[..8];
        const string compound = "index-gardens";

        await using (var first = await PostgresCluster.StartAsync(connectionString, serviceId))
        {
            // One resident enrols before the first search (the index is then built), one after it with a car.
            var enrolled = await first.Client.Member("res-early").Enrol(new CompoundMembership(compound, UserRole.Resident, "Early Bird", "H1", "B1"), []);
            Assert.Null(enrolled.Error);
            Assert.Equal("res-early", Assert.Single(await ResidentIndex.Search(first.Client, compound, "")).PersonId);
            var late = await first.Client.Member("res-late").Enrol(new CompoundMembership(compound, UserRole.Resident, "Late Comer", "H2", "B2"), [new Vehicle("沪A12345", false)]);
            Assert.Null(late.Error);
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(connectionString, serviceId);
        var all = await ResidentIndex.Search(second.Client, compound, "");
        Assert.Equal(["res-early", "res-late"], all.Select(e => e.PersonId).Order(StringComparer.Ordinal));
        Assert.Equal("res-late", Assert.Single(await ResidentIndex.Search(second.Client, compound, ResidentIndex.Searchable("沪a 12345"))).PersonId);
    }

    private static async Task SeedAsync(IGrainFactory grains, CompoundLayout layout)
    {
        Assert.True(await grains.Compound(layout.CompoundId).InitializeLayout(layout));
        await Task.WhenAll(layout.Lots.SelectMany(l => l.Spaces).Select(s => grains.Space(s.CompoundId, s.SpaceId).Configure(s)));
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
