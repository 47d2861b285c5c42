using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parking.Api.Auth;
using Parking.Domain.CompoundFiles;
using Parking.Grains.Compounds;

namespace Parking.Api.Endpoints;

/// <summary>
/// Onboarding: a sub-district operator imports a compound file (a new compound, or a layout change of one), first
/// as a preview; everyone signed in lists the compounds they may see.
/// </summary>
public static class CompoundImportEndpoints
{
    /// <summary>A Kangcheng-sized file is about 2 MB; 64 MB leaves room for a compound several times larger.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapCompoundImportEndpoints(this IEndpointRouteBuilder app)
    {
        var compounds = app.MapGroup("/api/compounds").WithTags("Compounds").RequireAuthorization();
        compounds.MapGet("", List)
            .WithSummary("The compounds the caller may see: all of them for a sub-district operator, else their own");
        compounds.MapPost("/import", Import)
            .WithSummary("Import a compound file: a new compound, or a layout change of an existing one (sub-district operator; staff for their own compound)")
            .WithDescription("The body is the compound file (docs/compound-file.md). Or a multipart form: part file (the compound file) and the CSV files it names, by file name. dryRun=true checks it and previews the change (spaces added, removed, retyped, re-owned; chargers; effect on live bookings) without changing anything. expectedVersion: the liveVersion of the preview; the apply is refused with 409 layout-changed if the layout moved since, and with 409 import-running while an import job of the compound runs. A file with any problem gets 422 with every problem and its place, and changes nothing.")
            .Accepts<object>("application/json", "multipart/form-data")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        compounds.MapPost("/imports", StartImport)
            .WithSummary("Apply a compound file as a job that reports its progress and can be cancelled (sub-district operator; staff for their own compound)")
            .WithDescription("The body is as for /import (JSON or multipart). The file is checked at once (422 with every problem, nothing changed); then 202 with the job, to poll at its Location. expectedVersion as for /import. A compound runs one import at a time: while another job of it runs (an apply or a finish, started on any host), 409 import-running naming that job. The job's record is stored with the grains' state, so its progress and result outlive the host that ran it.")
            .Accepts<object>("application/json", "multipart/form-data")
            .Produces<ImportJobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        compounds.MapGet("/imports/{jobId}", GetImport)
            .WithSummary("Where an import job stands: phase, items done out of how many, whether its layout is stored; its report once applied");
        compounds.MapPost("/imports/{jobId}/cancel", CancelImport)
            .WithSummary("Ask an import job to stop at its next checkpoint")
            .WithDescription("Before the job stored the new layout, a cancelled import changes nothing. After (Committed), the compound keeps the import marked unfinished and takes no other import until POST /imports/finish runs its steps again. 409 import-ended when the job has ended.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        compounds.MapPost("/imports/finish", FinishImport)
            .WithSummary("Finish an import that stopped after storing its layout (cancelled, or its host went down), as a job")
            .WithDescription("409 import-finished when nothing is unfinished; 409 import-running while another import job of the compound (an apply or another finish) runs.")
            .Produces<ImportJobDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<CompoundSummaryDto[]>> List(HttpContext http, IGrainFactory grains)
    {
        var user = CurrentUser.From(http.User);
        var all = await grains.CompoundDirectory().List();

        // An operator sees every compound of their own sub-district; anyone else their own compound.
        var visible = user is null ? []
            : user.Role == Roles.Operator ? all.OfOperatorHome(user.CompoundId)
            : all.Where(c => c.CompoundId == user.CompoundId);
        return TypedResults.Ok(visible
            .Select(c => new CompoundSummaryDto(c.CompoundId, c.Name, c.SubDistrictId, c.Buildings, c.Households, c.Spaces, c.LayoutVersion))
            .ToArray());
    }

    public static async Task<Results<Ok<ImportReportDto>, ProblemHttpResult>> Import(
        HttpContext http,
        bool? dryRun,
        int? expectedVersion,
        CompoundImporter importer,
        ImportJobRunner jobs,
        IGrainFactory grains)
    {
        var admitted = await Admit(http, grains);
        if (admitted.Problem is { } refused)
        {
            return refused;
        }

        var layout = admitted.Layout!;
        if (dryRun == true)
        {
            var preview = await importer.Preview(layout);
            return preview.Diff.Problems.Count > 0 ? FileProblems(preview.Diff.Problems) : TypedResults.Ok(Report(preview, dryRun: true, null, 0));
        }

        // Applied in this request, but as a job all the same: it holds the compound's import slot, so it and a job
        // (or another apply) of the same compound cannot run at once.
        var aborted = http.RequestAborted;
        var started = await jobs.Start(
            layout.CompoundId,
            admitted.User!.UserId,
            async (progress, stopping) =>
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
                return await importer.Apply(layout, expectedVersion, progress, either.Token);
            },
            Applied);
        if (started.Error is { } busy)
        {
            return Problems.From(busy);
        }

        var applied = await started.Value!.Completion;
        return applied.Value is { } outcome
            ? TypedResults.Ok(Report(outcome.Preview, dryRun: false, outcome.LayoutVersion, outcome.BookingsMoved))
            : Problems.From(applied.Error!);
    }

    public static async Task<Results<Accepted<ImportJobDto>, ProblemHttpResult>> StartImport(
        HttpContext http,
        int? expectedVersion,
        CompoundImporter importer,
        ImportJobRunner jobs,
        IGrainFactory grains)
    {
        var admitted = await Admit(http, grains);
        if (admitted.Problem is { } refused)
        {
            return refused;
        }

        var layout = admitted.Layout!;
        var started = await jobs.Start(
            layout.CompoundId,
            admitted.User!.UserId,
            (progress, stopping) => importer.Apply(layout, expectedVersion, progress, stopping),
            Applied);
        if (started.Value is not { JobId: var jobId })
        {
            return Problems.From(started.Error!);
        }

        return TypedResults.Accepted($"/api/compounds/imports/{jobId}", ImportJobRunner.Dto((await grains.ImportJob(jobId).Get())!));
    }

    public static async Task<Results<Accepted<ImportJobDto>, ProblemHttpResult>> FinishImport(
        HttpContext http,
        string? compound,
        CompoundImporter importer,
        ImportJobRunner jobs,
        IGrainFactory grains)
    {
        var user = CurrentUser.From(http.User);
        if (string.IsNullOrWhiteSpace(compound))
        {
            return Problems.Invalid("compound", "Name the compound whose import to finish (?compound=...).", "compound-required");
        }

        var stored = await grains.Compound(compound).GetLayout();
        if (user is null || stored is null || !await MayImport(user, stored, grains))
        {
            return Problems.Forbidden($"Finishing an import of '{compound}' is for its sub-district's operator, or its staff.");
        }

        if (await grains.Compound(compound).GetUnfinishedVersion() is null)
        {
            return Problems.From(DomainError.Conflict("import-finished", $"Compound '{compound}' has no unfinished import."));
        }

        var started = await jobs.Start(compound, user.UserId, (progress, stopping) => importer.Finish(compound, progress, stopping), Applied);
        if (started.Value is not { JobId: var jobId })
        {
            return Problems.From(started.Error!);
        }

        return TypedResults.Accepted($"/api/compounds/imports/{jobId}", ImportJobRunner.Dto((await grains.ImportJob(jobId).Get())!));
    }

    public static async Task<Results<Ok<ImportJobDto>, ProblemHttpResult>> GetImport(HttpContext http, string jobId, IGrainFactory grains)
    {
        var job = await VisibleJob(http, jobId, grains);
        return job.Value is { } visible ? TypedResults.Ok(ImportJobRunner.Dto(visible)) : Problems.From(job.Error!);
    }

    public static async Task<Results<Ok<ImportJobDto>, ProblemHttpResult>> CancelImport(HttpContext http, string jobId, IGrainFactory grains)
    {
        var job = await VisibleJob(http, jobId, grains);
        if (job.Value is not { } visible)
        {
            return Problems.From(job.Error!);
        }

        if (visible.State != ImportJobState.Running)
        {
            return Problems.From(DomainError.Conflict("import-ended", $"Import job '{jobId}' has already ended ({visible.State.ToString().ToLowerInvariant()})."));
        }

        var cancelled = await grains.ImportJob(jobId).Cancel();
        return TypedResults.Ok(ImportJobRunner.Dto(cancelled!));
    }

    /// <summary>A job is seen by whoever started it, by the compound's staff, and by an operator of its sub-district.</summary>
    private static Task<Outcome<ImportJobView>> VisibleJob(HttpContext http, string jobId, IGrainFactory grains) =>
        VisibleJob(CurrentUser.From(http.User), jobId, grains);

    /// <summary>The job as <paramref name="user"/> may see it (the same rule for the API and the hub's <c>WatchImport</c>).</summary>
    public static async Task<Outcome<ImportJobView>> VisibleJob(CurrentUser? user, string jobId, IGrainFactory grains)
    {
        var job = await grains.ImportJob(jobId).Get();
        if (job is null)
        {
            return DomainError.NotFound("import-job-not-found", $"No import job '{jobId}'.");
        }

        if (user is null)
        {
            return DomainError.Forbidden("Sign in to see an import job.");
        }

        if (job.StartedBy == user.UserId)
        {
            return job;
        }

        var stored = await grains.Compound(job.CompoundId).GetLayout();
        return stored is not null && await MayImport(user, stored, grains)
            ? job
            : DomainError.Forbidden($"Import job '{jobId}' is of compound '{job.CompoundId}', which you do not run.");
    }

    private static async Task<bool> MayImport(CurrentUser user, CompoundLayout layout, IGrainFactory grains) => user.Role switch
    {
        Roles.Staff => user.CompoundId == layout.CompoundId,
        Roles.Operator => user.CompoundId == layout.CompoundId
            || string.Equals(layout.SubDistrictId, await grains.CompoundDirectory().SubDistrictOf(user.CompoundId), StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The report of an applied import, as a job keeps it (also the silo's <c>import</c> command's jobs).</summary>
    public static ImportReportDto Applied(ImportOutcome outcome) => Report(outcome.Preview, dryRun: false, outcome.LayoutVersion, outcome.BookingsMoved);

    private sealed record Admission(CurrentUser? User, CompoundLayout? Layout, ProblemHttpResult? Problem);

    /// <summary>Who may import, the body read and checked (every problem at once), and the compound in the caller's reach.</summary>
    private static async Task<Admission> Admit(HttpContext http, IGrainFactory grains)
    {
        var user = CurrentUser.From(http.User);
        if (user is null || user.Role is not (Roles.Operator or Roles.Staff))
        {
            return Refused(Problems.Forbidden("Importing a compound file is for a sub-district operator, or for staff of that compound."));
        }

        // A compound file is larger than the API's usual body limit: this endpoint sets its own.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxFileBytes;
        }

        if (http.Request.ContentLength > MaxFileBytes)
        {
            return Refused(Problems.Invalid("body", $"The file is larger than {MaxFileBytes / (1024 * 1024)} MB.", "file-too-large"));
        }

        var upload = await ReadUpload(http);
        if (upload.Problem is { } unreadable)
        {
            return Refused(unreadable);
        }

        var check = CompoundFileCheck.Run(upload.Json!, upload.Sibling);
        if (!check.IsValid)
        {
            return Refused(FileProblems(check.Problems));
        }

        var layout = check.Layout!;
        if (user.Role == Roles.Staff && user.CompoundId != layout.CompoundId)
        {
            return Refused(Problems.Forbidden($"Staff import only their own compound '{user.CompoundId}', not '{layout.CompoundId}'."));
        }

        // An operator imports into their own sub-district: a new compound must name it, a known one must lie in it.
        if (user.Role == Roles.Operator)
        {
            var directory = grains.CompoundDirectory();
            var mine = await directory.SubDistrictOf(user.CompoundId);
            var known = (await directory.List()).Any(c => c.CompoundId == layout.CompoundId);
            if (known && !await grains.OperatorMayEnter(user.CompoundId, layout.CompoundId))
            {
                return Refused(Problems.Forbidden($"Compound '{layout.CompoundId}' is not in your sub-district."));
            }

            if (!string.Equals(layout.SubDistrictId, mine, StringComparison.Ordinal) && layout.CompoundId != user.CompoundId)
            {
                return Refused(Problems.Forbidden($"compound.subDistrict: '{layout.SubDistrictId}' is not your sub-district '{mine}'."));
            }
        }

        return new Admission(user, layout, null);

        static Admission Refused(ProblemHttpResult problem) => new(null, null, problem);
    }

    private sealed record Upload(string? Json, Func<string, string?> Sibling, ProblemHttpResult? Problem);

    /// <summary>
    /// The compound file from the body: JSON as it is, or a multipart form whose <c>file</c> part is the compound
    /// file and whose other parts are the CSV files it names (<c>householdsCsv</c>, <c>spacesCsv</c>), by file name.
    /// </summary>
    private static async Task<Upload> ReadUpload(HttpContext http)
    {
        static string? None(string name) => null;
        if (!http.Request.HasFormContentType)
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync(http.RequestAborted);
            return string.IsNullOrWhiteSpace(text)
                ? new(null, None, Problems.Invalid("body", "The body must be a compound file (JSON).", "file-required"))
                : new(text, None, null);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var compoundFile = form.Files.GetFile("file");
        if (compoundFile is null || compoundFile.Length == 0)
        {
            return new(null, None, Problems.Invalid("file", "The form's 'file' part must be the compound file (JSON).", "file-required"));
        }

        var siblings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in form.Files.Where(f => !ReferenceEquals(f, compoundFile)))
        {
            using var reader = new StreamReader(part.OpenReadStream());
            siblings[Path.GetFileName(part.FileName)] = await reader.ReadToEndAsync(http.RequestAborted);
        }

        using var json = new StreamReader(compoundFile.OpenReadStream());
        var compoundText = await json.ReadToEndAsync(http.RequestAborted);
        return new(compoundText, name => siblings.TryGetValue(Path.GetFileName(name), out var csv) ? csv : null, null);
    }

    private static ProblemHttpResult FileProblems(IReadOnlyList<CompoundFileProblem> problems) =>
        TypedResults.Problem(
            detail: $"The compound file has {problems.Count} problem(s); nothing was changed. " + string.Join("; ", problems.Take(5)),
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The compound file is not valid",
            type: Problems.TypeFor("compound-file-invalid"),
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "compound-file-invalid",
                ["problems"] = problems.Select(p => p.ToString()).ToArray(),
                ["errors"] = problems.GroupBy(p => p.Place).ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
            });

    public static ImportReportDto Report(ImportPreview preview, bool dryRun, int? version, int moved)
    {
        ArgumentNullException.ThrowIfNull(preview);
        var diff = preview.Diff;
        var layout = preview.Layout;
        return new ImportReportDto(
            layout.CompoundId,
            dryRun,
            Applied: !dryRun,
            preview.IsNewCompound,
            preview.LiveVersion,
            version,
            layout.Buildings.Count,
            layout.Households.Count,
            layout.Lots.Count,
            layout.SpaceCount,
            [.. diff.SpacesAdded.Select(s => s.SpaceId)],
            [.. diff.SpacesRemoved.Select(s => s.SpaceId)],
            [.. diff.SpacesChanged.Where(c => c.Retyped).Select(Change)],
            [.. diff.SpacesChanged.Where(c => c.Reowned).Select(Change)],
            diff.SpacesRedrawn.Count,
            [.. diff.ChargersChanged.Select(c => new ChargerChangeDto(c.AreaId, c.ChargerId, c.Before is null ? ChargerChangeKindDto.Added : c.After is null ? ChargerChangeKindDto.Removed : ChargerChangeKindDto.Changed, c.Before?.MaxKw, c.After?.MaxKw))],
            [.. diff.LotsAdded],
            [.. diff.LotsRemoved],
            [.. diff.SheltersChanged],
            diff.HouseholdsAdded,
            diff.HouseholdsRemoved,
            [.. preview.Bookings.Select(b => new BookingEffectDto(b.SpaceId, b.ActiveBookings, b.Effect))],
            moved,
            [.. preview.ChargingRequests.Select(c => new ChargingRequestEffectDto(c.AreaId, c.RequestId, c.Status.ToDto(), c.ChargerId, c.Effect))],
            [.. preview.SharingPlans.Select(p => new SharingPlanEffectDto(p.SpaceId, p.OwnerHouseholdId, p.Effect))],
            [.. diff.SpacesOutOfService.Select(s => s.SpaceId)],
            [.. diff.SpacesBackInService.Select(s => s.SpaceId)]);
    }

    private static SpaceChangeDto Change(SpaceChange c) => new(
        c.After.SpaceId,
        c.After.LotId,
        c.Retyped ? c.Before.Kind.ToDto() : null,
        c.Retyped ? c.After.Kind.ToDto() : null,
        c.Reowned ? c.Before.Ownership.ToDto() : null,
        c.Reowned ? c.After.Ownership.ToDto() : null,
        c.Reowned ? c.Before.OwnerHouseholdId : null,
        c.Reowned ? c.After.OwnerHouseholdId : null);
}
