using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Pages;
using Parking.Web.Services;

namespace Parking.Web.Tests;

/// <summary>
/// The committee's scenario editor shows the turns-per-request rule beside the other rules: it reads the saved value,
/// sends what the committee types (empty: the live policy), and shows the API's refusal naming the field.
/// </summary>
public sealed class ScenarioEditorTests : BunitContext
{
    private readonly FakeScenarioApi _api = new();

    public ScenarioEditorTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization();
        Services.AddScoped<Session>();
        Services.AddScoped(sp => new ScenarioApi(new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") }, sp.GetRequiredService<Session>()));

        // The live channel is not what this page is tested for: a signed-out session keeps it from connecting (and, an
        // instance the container did not make, the container does not dispose it).
        Services.AddSingleton(new LiveConnection(new Uri("http://localhost/hubs/parking"), new Session(JSInterop.JSRuntime)));
        var session = Services.GetRequiredService<Session>();
        session.SignInAsync(new DevTokenResponse("token", DateTimeOffset.UtcNow.AddHours(1), new UserDto("c", "committee01", "Committee", Roles.Committee, null, null, []))).GetAwaiter().GetResult();
    }

    private IRenderedComponent<ScenarioEditor> Page()
    {
        var page = Render<ScenarioEditor>(p => p.Add(x => x.ScenarioId, "s1"));
        page.WaitForElement("#save");
        return page;
    }

    [Fact]
    public void The_turns_rule_shows_the_saved_value_and_sends_what_is_typed()
    {
        _api.Rules = new ScenarioRulesDto { MaxTurnsPerRequest = 3 };
        var page = Page();

        var field = page.Find("#rule-max-turns");
        Assert.Equal("3", field.GetAttribute("value"));
        Assert.Equal(("1", "4"), (field.GetAttribute("min"), field.GetAttribute("max")));

        field.Change("1");
        page.Find("form.editor").Submit();
        page.WaitForAssertion(() => Assert.Single(_api.Saved));
        Assert.Equal(1, _api.Saved[0].Rules!.MaxTurnsPerRequest);

        // Emptied, the rule is left to the live policy.
        page.WaitForAssertion(() => Assert.False(page.Find("#save").HasAttribute("disabled")));
        page.Find("#rule-max-turns").Change("");
        page.Find("form.editor").Submit();
        page.WaitForAssertion(() => Assert.Equal(2, _api.Saved.Count));
        Assert.Null(_api.Saved[1].Rules!.MaxTurnsPerRequest);
    }

    [Fact]
    public void A_value_out_of_range_shows_the_api_error_naming_the_field()
    {
        var page = Page();
        Assert.Equal("", page.Find("#rule-max-turns").GetAttribute("value") ?? "");

        page.Find("#rule-max-turns").Change("5");
        page.Find("form.editor").Submit();

        page.WaitForAssertion(() => Assert.Contains("rules.maxTurnsPerRequest", page.Find("p.error[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Equal(5, Assert.Single(_api.Saved).Rules!.MaxTurnsPerRequest);
        Assert.Contains("between 1 and 4 turns", page.Find("p.error[role=alert]").TextContent, StringComparison.Ordinal);
    }

    /// <summary>
    /// Answers the editor: one scenario with the rules the test sets, no runs, and a save that is refused as the API
    /// refuses a turns rule outside 1–4 (400 <c>rule-out-of-range</c> on <c>rules.maxTurnsPerRequest</c>).
    /// </summary>
    private sealed class FakeScenarioApi : HttpMessageHandler
    {
        public ScenarioRulesDto Rules { get; set; } = new();

        public List<ScenarioBody> Saved { get; } = [];

        private int _version = 1;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path == "/api/compounds/c/simulations/runs")
            {
                return Answer(Array.Empty<SimulationRunDto>());
            }

            Assert.Equal("/api/compounds/c/scenarios/s1", path);
            if (request.Method == HttpMethod.Put)
            {
                var body = (await request.Content!.ReadFromJsonAsync<ScenarioBody>(JsonSerializerOptions.Web, cancellationToken))!;
                Saved.Add(body);
                if (body.Rules?.MaxTurnsPerRequest is < 1 or > 4)
                {
                    return new HttpResponseMessage(HttpStatusCode.BadRequest)
                    {
                        Content = JsonContent.Create(new
                        {
                            status = 400,
                            code = "rule-out-of-range",
                            detail = "A charging request may get between 1 and 4 turns.",
                            errors = new Dictionary<string, string[]> { ["rules.maxTurnsPerRequest"] = ["A charging request may get between 1 and 4 turns."] },
                        }),
                    };
                }

                Rules = body.Rules ?? new();
                _version++;
                return Answer(Version());
            }

            return Answer(new ScenarioDto(
                new ScenarioSummaryDto("s1", "Night charging", "", "committee01", DateTimeOffset.UnixEpoch, null, _version, DateTimeOffset.UnixEpoch, false, false, 0),
                [Version()]));
        }

        private ScenarioVersionDto Version() =>
            new("s1", _version, "Night charging", "", new ScenarioChangesDto(), Rules, "committee01", DateTimeOffset.UnixEpoch, "f", 10, 10, false, false);

        private static HttpResponseMessage Answer<T>(T body) =>
            new(HttpStatusCode.OK) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };
    }
}
