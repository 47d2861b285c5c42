using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Pages;
using Parking.Web.Services;

namespace Parking.Web.Tests;

/// <summary>
/// The operator's Import page applies a previewed file as a job: it shows where the job stands while it runs, offers
/// Cancel, and shows how it ended. Each poll of the job waits for the answer the test gives it, so the page is seen
/// in each state on every run, whatever the machine's speed.
/// </summary>
public sealed class ImportPageTests : BunitContext
{
    private readonly FakeImportApi _api = new();

    public ImportPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization();
        Services.AddScoped<Session>();
        Services.AddScoped(sp => new ParkingApi(new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") }, sp.GetRequiredService<Session>()));
        var session = Services.GetRequiredService<Session>();
        session.SignInAsync(new DevTokenResponse("token", DateTimeOffset.UtcNow.AddHours(1), new UserDto("c", "operator01", "Operator", Roles.Operator, null, null, []))).GetAwaiter().GetResult();
    }

    private static ImportReportDto Report(bool dryRun, int? version) => new(
        "gardens", dryRun, !dryRun, false, 1, version, 1, 2, 1, 4,
        ["G1-005"], ["G1-002"], [], [], 0, [], [], [], [], 0, 0, [], 0, [], []);

    private static ImportJobDto Job(string state, string phase = "spaces-added", int done = 0, int total = 4, bool committed = true, bool cancelRequested = false, string? errorCode = null, ImportReportDto? report = null) =>
        new("job1", "gardens", state.As<ImportJobStateDto>(), phase, done, total, committed, cancelRequested, DateTimeOffset.UtcNow, state == "running" ? null : DateTimeOffset.UtcNow, errorCode, errorCode is null ? null : "It stopped.", report);

    private IRenderedComponent<OperatorImport> PreviewedPage()
    {
        var page = Render<OperatorImport>(p => p.Add(x => x.PollEvery, TimeSpan.Zero));
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{}", "compound.json"));
        page.WaitForAssertion(() => Assert.False(page.Find("#import-check").HasAttribute("disabled")));
        _api.Preview = Report(dryRun: true, null);
        page.Find("#import-check").Click();
        page.WaitForAssertion(() => Assert.False(page.Find("#import-apply").HasAttribute("disabled")));
        return page;
    }

    [Fact]
    public void A_running_job_shows_its_phase_and_progress_and_a_cancel_stops_it()
    {
        var page = PreviewedPage();
        page.Find("#import-apply").Click();

        // Started at the previewed version; the page shows where the job stands at each poll.
        page.WaitForElement("#import-cancel");
        Assert.Equal("/api/compounds/imports?expectedVersion=1", _api.Posts[^1]);
        _api.Polls.Writer.TryWrite(Job("running", done: 2));
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("#import-progress").GetAttribute("value")));
        Assert.Equal(("spaces-added", "4"), (page.Find("#import-job").GetAttribute("data-phase"), page.Find("#import-progress").GetAttribute("max")));
        Assert.Contains("2", page.Find("#import-progress-text").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("#import-apply").HasAttribute("disabled"));

        page.Find("#import-cancel").Click();
        page.WaitForAssertion(() => Assert.Equal("/api/compounds/imports/job1/cancel", _api.Posts[^1]));
        page.WaitForAssertion(() => Assert.True(page.Find("#import-cancel").HasAttribute("disabled")));

        _api.Polls.Writer.TryWrite(Job("cancelled", phase: "spaces-added", committed: false, errorCode: "import-cancelled"));
        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find("#import-message").GetAttribute("data-job")));
        Assert.Empty(page.FindAll("#import-job"));
        Assert.Empty(page.FindAll(".import-report"));
        Assert.True(page.Find("#import-apply").HasAttribute("disabled"), "a cancelled apply is previewed again before it is applied again");
    }

    [Fact]
    public void An_applied_job_shows_its_report()
    {
        var page = PreviewedPage();
        page.Find("#import-apply").Click();
        page.WaitForElement("#import-cancel");

        _api.Polls.Writer.TryWrite(Job("applied", phase: "applied", done: 1, total: 1, report: Report(dryRun: false, 2)));
        page.WaitForAssertion(() => Assert.Equal("applied", page.Find("#import-message").GetAttribute("data-job")));
        Assert.Equal("false", page.Find(".import-report").GetAttribute("data-dry-run"));
        Assert.Equal("G1-005", page.Find("[data-diff='added']").TextContent);
        Assert.Contains("gardens", page.Find("#import-message").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#import-cancel"));
    }

    [Fact]
    public void A_refused_start_lists_every_problem_with_its_place()
    {
        var page = PreviewedPage();
        _api.StartRefusal = ["spaces[3].lotId: no lot 'G9'", "households.csv line 2: area must be positive"];
        page.Find("#import-apply").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("ol.import-problems li").Count));
        Assert.Contains("spaces[3].lotId: no lot 'G9'", page.Find("ol.import-problems").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("#import-job"));
    }

    /// <summary>
    /// A re-import that only blocks one space and reopens another changes the layout's service, not "nothing": the
    /// preview lists both as it lists the spaces added and removed, labelled in the page's language.
    /// </summary>
    [Theory]
    [InlineData("en", "Spaces taken out of service (1)", "Spaces back in service (2)")]
    [InlineData("zh-CN", "停用的车位 (1)", "恢复使用的车位 (2)")]
    public void A_preview_lists_the_spaces_the_file_takes_out_of_service_and_those_it_puts_back(string culture, string outLabel, string backLabel)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            var page = Render<OperatorImport>(p => p.Add(x => x.PollEvery, TimeSpan.Zero));
            page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("{}", "compound.json"));
            page.WaitForAssertion(() => Assert.False(page.Find("#import-check").HasAttribute("disabled")));
            _api.Preview = Report(dryRun: true, null) with
            {
                SpacesAdded = [],
                SpacesRemoved = [],
                SpacesOutOfService = ["G1-003"],
                SpacesBackInService = ["G1-004", "G2-001"],
                Bookings = [new BookingEffectDto("G1-003", 1, "the space goes out of service")],
            };
            page.Find("#import-check").Click();

            page.WaitForAssertion(() => Assert.Equal("G1-003", page.Find("[data-diff='out-of-service']").TextContent));
            Assert.Equal("G1-004, G2-001", page.Find("[data-diff='back-in-service']").TextContent);
            var labels = page.FindAll("dl.import-diff dt").Select(d => d.TextContent.Trim()).ToList();
            Assert.Equal([outLabel, backLabel], labels);
            Assert.Empty(page.FindAll(".import-report p.hint"));
            Assert.Equal("G1-003", page.Find("table.import-bookings tbody tr").GetAttribute("data-space"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    /// <summary>Answers the page: a preview, a job started (or refused), each poll with what the test writes, a cancel.</summary>
    private sealed class FakeImportApi : HttpMessageHandler
    {
        public ImportReportDto? Preview { get; set; }

        public string[]? StartRefusal { get; set; }

        public Channel<ImportJobDto> Polls { get; } = Channel.CreateUnbounded<ImportJobDto>();

        public List<string> Posts { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            if (request.Method == HttpMethod.Post)
            {
                Posts.Add(path);
            }

            if (path.StartsWith("/api/compounds/import?", StringComparison.Ordinal))
            {
                return Answer(Preview!);
            }

            if (path.StartsWith("/api/compounds/imports?", StringComparison.Ordinal))
            {
                return StartRefusal is { } problems
                    ? new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { Content = JsonContent.Create(new { status = 422, code = "compound-file-invalid", detail = "invalid", problems }) }
                    : Answer(Job("running", phase: "queued", total: 0, committed: false), HttpStatusCode.Accepted);
            }

            if (path.EndsWith("/cancel", StringComparison.Ordinal))
            {
                return Answer(Job("running", done: 2, cancelRequested: true));
            }

            if (path.StartsWith("/api/compounds/imports/", StringComparison.Ordinal))
            {
                return Answer(await Polls.Reader.ReadAsync(cancellationToken));
            }

            // The compound's lots, drawn after an apply.
            return Answer(Array.Empty<LotSummaryDto>());
        }

        private static HttpResponseMessage Answer<T>(T body, HttpStatusCode status = HttpStatusCode.OK) =>
            new(status) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };
    }
}
