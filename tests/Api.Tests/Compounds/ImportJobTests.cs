using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Seeding;
using Parking.Grains;
using Parking.Grains.Compounds;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// Holds the first call of one method on one grain until the test lets it go: the importer is then inside a phase,
/// before its next checkpoint, at a point the test chose, so a cancel lands there on every run whatever the machine's speed.
/// </summary>
public sealed class CallHold : IIncomingGrainCallFilter
{
    private volatile HeldCall? _armed;

    public HeldCall Arm(string method, string grainKey) => _armed = new HeldCall(method, grainKey);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (_armed is { } hold
            && context.InterfaceMethod?.Name == hold.Method
            && context.TargetId.Key.ToString() == hold.GrainKey
            && hold.Reach())
        {
            await hold.Released;
        }

        await context.Invoke();
    }
}

/// <summary>One call a <see cref="CallHold"/> holds: the first of <c>method</c> on the grain keyed <c>grainKey</c>.</summary>
public sealed class HeldCall(string method, string grainKey)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Method => method;

    public string GrainKey => grainKey;

    /// <summary>Completes when the held call arrives.</summary>
    public Task Reached => _reached.Task;

    public Task Released => _released.Task;

    public bool Reach() => _reached.TrySetResult();

    public void Release() => _released.TrySetResult();
}

/// <summary>A host of its own with a <see cref="CallHold"/> in its silo: these tests import compounds.</summary>
public sealed class ImportJobHostFixture : OwnHostFixture
{
    public CallHold Holds { get; } = new();

    protected override Task<ParkingHost> StartAsync() =>
        ParkingHost.StartAsync(ParkingHost.NewClock(), services: s => s.AddSingleton<IIncomingGrainCallFilter>(Holds));
}

public sealed class ImportJobTests(ImportJobHostFixture fixture) : IClassFixture<ImportJobHostFixture>
{
    private const string Operator = "operator01";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ParkingHost _host = fixture.Host;

    /// <summary>The small demo under another id, in the operator's sub-district; it names the demo's people too.</summary>
    private static CompoundFile Other(string id) =>
        DemoCompoundGenerator.GenerateFile(DemoCompoundSize.Small) with { Compound = new CompoundEntry(id, "Other Gardens") { SubDistrict = "caojiadu" } };

    private static StringContent Body(CompoundFile file) => new(CompoundFileReader.Write(file), Encoding.UTF8, "application/json");

    private async Task<ImportJobDto> StartJob(CompoundFile file, int expectedVersion)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports?expectedVersion={expectedVersion}", Operator, Body(file));
        await ParkingHost.Expect(response, HttpStatusCode.Accepted);
        var job = (await response.Content.ReadFromJsonAsync<ImportJobDto>(ParkingHost.Json))!;
        Assert.Equal($"/api/compounds/imports/{job.JobId}", response.Headers.Location?.ToString());
        return job;
    }

    private Task<ImportJobDto> Job(string jobId) => _host.GetOkAsync<ImportJobDto>($"/api/compounds/imports/{jobId}", Operator);

    /// <summary>Polls the job as an operator's page would, until it has ended (bounded).</summary>
    private async Task<ImportJobDto> Ended(string jobId)
    {
        var deadline = DateTimeOffset.UtcNow + Bound;
        while (true)
        {
            var job = await Job(jobId);
            if (job.State != ImportJobStateDto.Running)
            {
                return job;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Import job {jobId} still running after {Bound}: {job}");
            await Task.Delay(50);
        }
    }

    private async Task<HttpStatusCode> StatusAsPerson(string path, string person)
    {
        using var response = await _host.SendAsPersonAsync(HttpMethod.Get, path, person);
        return response.StatusCode;
    }

    private async Task<string> ApplyNow(CompoundFile file, int expectedVersion, HttpStatusCode expected)
    {
        using var response = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/import?dryRun=false&expectedVersion={expectedVersion}", Operator, Body(file));
        await ParkingHost.Expect(response, expected);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_job_cancelled_after_storing_its_layout_leaves_it_unfinished_and_invisible_until_finished()
    {
        const string compound = "import-job-late";
        var file = Other(compound);
        var held = file.Spaces[20].Id;
        var hold = fixture.Holds.Arm("Configure", GrainKeys.Of(compound, held));

        var started = await StartJob(file, expectedVersion: 0);
        Assert.Equal(("running", compound), (started.State.WireName(), started.CompoundId));

        // The importer is configuring the new spaces (one of them held): it reports where it is. It stops at its
        // next checkpoint, before enrolling the people, and says so.
        await hold.Reached.WaitAsync(Bound);
        var running = await Job(started.JobId);
        Assert.True(running is { State: ImportJobStateDto.Running, Phase: "spaces-added", Done: 0, Total: 40, Committed: true, CancelRequested: false }, running.ToString());

        // A second apply cannot win meanwhile: the running job holds the compound's import slot.
        Assert.Contains("import-running", await ApplyNow(file, 0, HttpStatusCode.Conflict), StringComparison.Ordinal);
        Assert.Contains("import-running", await ApplyNow(file, 1, HttpStatusCode.Conflict), StringComparison.Ordinal);

        using (var cancel = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/{started.JobId}/cancel", Operator))
        {
            await ParkingHost.Expect(cancel, HttpStatusCode.OK);
            Assert.True((await cancel.Content.ReadFromJsonAsync<ImportJobDto>(ParkingHost.Json))!.CancelRequested);
        }

        hold.Release();
        var cancelled = await Ended(started.JobId);
        Assert.True(cancelled is { State: ImportJobStateDto.Cancelled, ErrorCode: "import-cancelled", Committed: true, Phase: "people", Done: 0, Report: null }, cancelled.ToString());
        Assert.NotNull(cancelled.EndedAt);

        // The documented state: the layout is stored and marked unfinished; the compound is not listed, nobody is
        // enrolled in it, and no other import is taken until it is finished.
        Assert.DoesNotContain(await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator), c => c.CompoundId == compound);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsPerson($"/api/compounds/{compound}/reservations/mine", "r00005"));
        Assert.Contains("import-unfinished", await ApplyNow(file, 1, HttpStatusCode.Conflict), StringComparison.Ordinal);
        using (var again = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/{started.JobId}/cancel", Operator))
        {
            await ParkingHost.Expect(again, HttpStatusCode.Conflict);
        }

        // Residents and staff of another compound may not finish it.
        using (var refused = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}", "r00001"))
        {
            await ParkingHost.Expect(refused, HttpStatusCode.Forbidden);
        }

        using var finish = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}", Operator);
        await ParkingHost.Expect(finish, HttpStatusCode.Accepted);
        var finishing = (await finish.Content.ReadFromJsonAsync<ImportJobDto>(ParkingHost.Json))!;
        var finished = await Ended(finishing.JobId);
        Assert.True(finished is { State: ImportJobStateDto.Applied, Phase: "applied", Committed: true, ErrorCode: null }, finished.ToString());
        Assert.NotNull(finished.Report);
        Assert.True(finished.Report is { Applied: true, LayoutVersion: 1, Spaces: 40 }, finished.Report.ToString());
        Assert.Equal(40, finished.Report.SpacesAdded.Length);

        Assert.Contains(await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator), c => c is { CompoundId: compound, Spaces: 40, LayoutVersion: 1 });
        Assert.Equal(HttpStatusCode.OK, await StatusAsPerson($"/api/compounds/{compound}/reservations/mine", "r00005"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsPerson($"/api/compounds/{compound}/spaces/{held}/admin", "staff01"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsPerson($"/api/compounds/{compound}/spaces/{file.Spaces[^1].Id}/admin", "staff01"));

        // Finished: the next import is taken, and there is nothing left to finish.
        using var nothing = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}", Operator);
        await ParkingHost.Expect(nothing, HttpStatusCode.Conflict);
        await ApplyNow(file, 1, HttpStatusCode.OK);
    }

    [Fact]
    public async Task While_an_import_job_runs_a_second_apply_or_finish_of_its_compound_gets_409_import_running()
    {
        const string compound = "import-job-exclusive";
        var file = Other(compound);

        // The first job is held configuring a space: it has stored the layout and holds the compound's import slot.
        var first = fixture.Holds.Arm("Configure", GrainKeys.Of(compound, file.Spaces[3].Id));
        var started = await StartJob(file, expectedVersion: 0);
        await first.Reached.WaitAsync(Bound);

        await ExpectRunning(await Send(HttpMethod.Post, "/api/compounds/imports?expectedVersion=1", Body(file)), started.JobId);
        await ExpectRunning(await Send(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}"), started.JobId);
        await ExpectRunning(await Send(HttpMethod.Post, "/api/compounds/import?dryRun=false&expectedVersion=1", Body(file)), started.JobId);

        // Cancelled after storing its layout, the import is unfinished: a finish runs it again, and is held the same way.
        using (var cancel = await Send(HttpMethod.Post, $"/api/compounds/imports/{started.JobId}/cancel"))
        {
            await ParkingHost.Expect(cancel, HttpStatusCode.OK);
        }

        var second = fixture.Holds.Arm("Configure", GrainKeys.Of(compound, file.Spaces[5].Id));
        first.Release();
        Assert.Equal(ImportJobStateDto.Cancelled, (await Ended(started.JobId)).State);

        using var finish = await Send(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}");
        await ParkingHost.Expect(finish, HttpStatusCode.Accepted);
        var finishing = (await finish.Content.ReadFromJsonAsync<ImportJobDto>(ParkingHost.Json))!;
        await second.Reached.WaitAsync(Bound);

        // Two finishes at once: the second is refused and names the running one; the first is not disturbed.
        await ExpectRunning(await Send(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}"), finishing.JobId);
        second.Release();
        var finished = await Ended(finishing.JobId);
        Assert.True(finished is { State: ImportJobStateDto.Applied, Report.LayoutVersion: 1 }, finished.ToString());

        // Its slot given back, the next import is taken.
        await ApplyNow(file, 1, HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body = null) => _host.SendAsync(method, path, Operator, body);

    private static async Task ExpectRunning(HttpResponseMessage response, string runningJob)
    {
        using (response)
        {
            await ParkingHost.Expect(response, HttpStatusCode.Conflict);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"code\":\"import-running\"", text, StringComparison.Ordinal);
            Assert.Contains(runningJob, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_job_cancelled_before_storing_its_layout_changes_nothing()
    {
        const string compound = "import-job-early";
        var file = Other(compound);
        await ApplyNow(file, 0, HttpStatusCode.OK);
        var removed = file.Spaces[7].Id;
        var changed = file with { Spaces = [.. file.Spaces.Where(s => s.Id != removed)] };

        // The preview reads the removed space's bookings: the importer is held there, before the layout is stored.
        var hold = fixture.Holds.Arm("GetAdmin", GrainKeys.Of(compound, removed));
        var started = await StartJob(changed, expectedVersion: 1);
        await hold.Reached.WaitAsync(Bound);
        var running = await Job(started.JobId);
        Assert.True(running is { State: ImportJobStateDto.Running, Phase: "preview", Total: 1, Committed: false }, running.ToString());

        using (var cancel = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/{started.JobId}/cancel", Operator))
        {
            await ParkingHost.Expect(cancel, HttpStatusCode.OK);
        }

        hold.Release();
        var cancelled = await Ended(started.JobId);
        Assert.True(cancelled is { State: ImportJobStateDto.Cancelled, ErrorCode: "import-cancelled", Committed: false, Phase: "store-layout" }, cancelled.ToString());

        // Nothing changed: same version, the space still there, and the next apply is taken at once.
        Assert.Contains(await _host.GetOkAsync<CompoundSummaryDto[]>("/api/compounds", Operator), c => c is { CompoundId: compound, Spaces: 40, LayoutVersion: 1 });
        Assert.Equal(HttpStatusCode.OK, await StatusAsPerson($"/api/compounds/{compound}/spaces/{removed}/admin", "staff01"));
        using (var nothing = await _host.SendAsync(HttpMethod.Post, $"/api/compounds/imports/finish?compound={compound}", Operator))
        {
            await ParkingHost.Expect(nothing, HttpStatusCode.Conflict);
        }

        var applied = await StartJob(changed, expectedVersion: 1);
        var done = await Ended(applied.JobId);
        Assert.NotNull(done.Report);
        Assert.True(done is { State: ImportJobStateDto.Applied, Report: { LayoutVersion: 2, Spaces: 39 } }, done.ToString());
        Assert.Equal([removed], done.Report.SpacesRemoved);
    }

    [Fact]
    public async Task A_job_s_progress_is_pushed_to_a_watcher_who_may_see_it_until_it_ends_and_to_nobody_else()
    {
        const string compound = "import-job-pushed";
        var file = Other(compound);
        var hold = fixture.Holds.Arm("Configure", GrainKeys.Of(compound, file.Spaces[20].Id));
        await using var watcher = await HubClient.ConnectAsync(_host.Factory.BaseAddress, await _host.TokenFor(Operator));
        await using var resident = await HubClient.ConnectAsync(_host.Factory.BaseAddress, await _host.TokenFor("r00001"));

        // Watched while the importer is inside its spaces (one held): the answer is the job as it stands.
        var started = await StartJob(file, expectedVersion: 0);
        await hold.Reached.WaitAsync(Bound);
        var now = await watcher.Connection.InvokeAsync<ImportJobDto>(ParkingHub.WatchImport, started.JobId);
        Assert.True(now is { State: ImportJobStateDto.Running, Phase: "spaces-added", Total: 40 }, now.ToString());

        // Only those who may see the job may watch it; an unknown job is named as such.
        var refused = await Assert.ThrowsAsync<HubException>(() => resident.Connection.InvokeAsync<ImportJobDto>(ParkingHub.WatchImport, started.JobId));
        Assert.Contains("Forbidden", refused.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<HubException>(() => watcher.Connection.InvokeAsync<ImportJobDto>(ParkingHub.WatchImport, "no-such-job"));
        Assert.Contains("Not found", unknown.Message, StringComparison.Ordinal);

        // Let go: every later checkpoint is pushed, the last one the job's end with its report, as the API tells it.
        hold.Release();
        var ended = await watcher.WaitForImportAsync(j => j.JobId == started.JobId && j.State != ImportJobStateDto.Running, "the job's end");
        Assert.True(ended is { State: ImportJobStateDto.Applied, Phase: "applied", Committed: true, ErrorCode: null }, ended.ToString());
        Assert.True(ended.Report is { Applied: true, Spaces: 40 }, ended.Report?.ToString());
        var asked = await Job(started.JobId);
        Assert.Equal((asked.State, asked.Phase, asked.Done, asked.Total, asked.EndedAt), (ended.State, ended.Phase, ended.Done, ended.Total, ended.EndedAt));
        Assert.Contains(watcher.Received<ImportJobDto>(), j => j.JobId == started.JobId && j.State == ImportJobStateDto.Running && j.Phase != "spaces-added");
        Assert.Empty(resident.Received<ImportJobDto>());
    }

    [Fact]
    public async Task A_job_is_seen_and_cancelled_only_by_those_who_run_the_compound()
    {
        using var resident = await _host.SendAsync(HttpMethod.Post, "/api/compounds/imports?expectedVersion=0", "r00001", Body(Other("import-job-nobody")));
        await ParkingHost.Expect(resident, HttpStatusCode.Forbidden);

        var job = await StartJob(Other("import-job-seen"), expectedVersion: 0);
        using var other = await _host.GetAsync($"/api/compounds/imports/{job.JobId}", "r00001");
        await ParkingHost.Expect(other, HttpStatusCode.Forbidden);
        using var unknown = await _host.GetAsync("/api/compounds/imports/no-such-job", Operator);
        await ParkingHost.Expect(unknown, HttpStatusCode.NotFound);
        var done = await Ended(job.JobId);
        Assert.Equal("applied", done.State.WireName());
    }

    [Fact]
    public async Task A_job_whose_host_stopped_reporting_for_five_minutes_ends_as_abandoned_and_frees_the_slot()
    {
        const string compound = "import-job-abandoned";
        var lost = "lost-" + Guid.NewGuid().ToString("N");
        var job = _host.Grains.ImportJob(lost);
        var slot = _host.Grains.Compound(compound);

        // A host took the slot, reported once, and went down: nothing reports for this job any more.
        await job.Start(compound, Operator, _host.Now);
        Assert.True(await job.Report(new ImportStep("spaces-added", 10, 40, Committed: true)));
        Assert.Null(await slot.ClaimImport(lost));

        _host.Time.Advance(ImportJobGrain.Lease - TimeSpan.FromSeconds(1));
        Assert.Equal("import-running", (await slot.ClaimImport("too-early"))?.Code);
        Assert.Equal(ImportJobState.Running, (await job.Get())!.State);

        _host.Time.Advance(TimeSpan.FromSeconds(2));
        var next = "next-" + Guid.NewGuid().ToString("N");
        Assert.Null(await slot.ClaimImport(next));
        Assert.Equal(next, await slot.GetImportJob());
        var abandoned = (await job.Get())!;
        Assert.True(abandoned is { State: ImportJobState.Failed, Error.Code: "import-abandoned" }, abandoned.ToString());
        Assert.Equal(_host.Now, abandoned.EndedAt);

        // Ended for good: a late report from the host that came back neither revives it nor is taken as going on.
        Assert.False(await job.Report(new ImportStep("people", 0, 10, Committed: true)));
        Assert.Equal(ImportJobState.Failed, (await job.Get())!.State);
        await slot.ReleaseImport(next);
    }

    [Fact]
    public async Task The_silo_import_command_takes_the_import_slot_and_reports_import_running_while_another_import_runs()
    {
        const string compound = "import-command-busy";
        var check = CompoundFileCheck.Run(CompoundFileReader.Write(Other(compound)), _ => null);
        Assert.True(check.IsValid, string.Join("; ", check.Problems));

        // Another import of the compound runs (started through the API on some host): it holds the slot.
        var holder = "api-job-" + Guid.NewGuid().ToString("N");
        var running = _host.Grains.ImportJob(holder);
        await running.Start(compound, Operator, _host.Now);
        Assert.Null(await _host.Grains.Compound(compound).ClaimImport(holder));

        var (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(1, await Parking.Silo.ImportCommand.ApplyAsync(_host.Factory.Services, check, output, errors));
        Assert.Contains("Not imported: import-running", errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(holder, errors.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await _host.Grains.Compound(compound).GetLayoutVersion());
        Assert.Equal(holder, await _host.Grains.Compound(compound).GetImportJob());

        // That import ends: the command's import is taken, applied, and gives the slot back.
        await running.End(ImportJobState.Applied, _host.Now, null, null);
        (output, errors) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, await Parking.Silo.ImportCommand.ApplyAsync(_host.Factory.Services, check, output, errors));
        Assert.Contains($"Imported '{compound}' at layout version 1", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", errors.ToString());
        Assert.Equal(1, await _host.Grains.Compound(compound).GetLayoutVersion());
        Assert.Null(await _host.Grains.Compound(compound).GetImportJob());
    }

    [Fact]
    public async Task The_record_of_a_job_that_ended_thirty_days_ago_is_pruned_and_a_newer_or_running_one_is_kept()
    {
        const string compound = "import-job-pruned";
        async Task<IImportJobGrain> EndedAgo(TimeSpan ago)
        {
            var job = _host.Grains.ImportJob("ended-" + Guid.NewGuid().ToString("N"));
            await job.Start(compound, Operator, _host.Now - ago - TimeSpan.FromMinutes(1));
            await job.End(ImportJobState.Applied, _host.Now - ago, null, "{}");
            return job;
        }

        var old = await EndedAgo(ImportJobGrain.KeptFor + TimeSpan.FromMinutes(1));
        var recent = await EndedAgo(ImportJobGrain.KeptFor - TimeSpan.FromMinutes(1));
        var running = _host.Grains.ImportJob("running-" + Guid.NewGuid().ToString("N"));
        await running.Start(compound, Operator, _host.Now);

        Assert.True(await old.Prune());
        Assert.Null(await old.Get());
        Assert.False(await recent.Prune());
        Assert.Equal(ImportJobState.Applied, (await recent.Get())!.State);
        Assert.False(await running.Prune());
        Assert.Equal(ImportJobState.Running, (await running.Get())!.State);

        // Gone from storage too: the pruned grain deactivated, so this read is a new activation's (and the API answers 404).
        Assert.Null(await old.Get());
        using var gone = await _host.GetAsync($"/api/compounds/imports/{old.GetPrimaryKeyString()}", Operator);
        await ParkingHost.Expect(gone, HttpStatusCode.NotFound);
    }
}
