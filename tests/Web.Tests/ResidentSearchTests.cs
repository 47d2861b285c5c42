using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Parking.Contracts;
using Parking.Web.Components;
using Parking.Web.Services;

namespace Parking.Web.Tests;

/// <summary>The residents list on the people pages: a search sends the typed text, and the pager asks for the next page.</summary>
public sealed class ResidentSearchTests : BunitContext
{
    private readonly PagesApi _api = new();

    public ResidentSearchTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization();
        Services.AddScoped<Session>();
        Services.AddScoped(sp => new ParkingApi(new HttpClient(_api) { BaseAddress = new Uri("http://localhost/") }, sp.GetRequiredService<Session>()));
        Services.GetRequiredService<Session>()
            .SignInAsync(new DevTokenResponse("token", DateTimeOffset.UtcNow.AddHours(1), new UserDto("demo", "staff01", "Staff", Roles.Staff, null, null, [])))
            .GetAwaiter().GetResult();
    }

    private static ResidentPageDto Page(int page, int total, params string[] people) =>
        new(total, page, ParkingApi.ResidentPageSize, [.. people.Select(p => new ResidentDto(p, "Name " + p, "H1", "B01-10" + p[^1], "B01", ["沪A12345"]))]);

    [Fact]
    public void A_search_sends_the_text_and_the_pager_moves_through_the_matches()
    {
        _api.Answers.Enqueue(Page(1, 60, "r1", "r2"));
        var list = Render<ResidentSearch>();
        list.WaitForAssertion(() => Assert.Equal(2, list.FindAll("table.residents tbody tr").Count));
        Assert.Equal("/api/compounds/demo/residents?q=&page=1&pageSize=25", _api.Requests[0]);
        Assert.True(list.Find("#residents-previous").HasAttribute("disabled"));
        Assert.Contains("3", list.Find("#residents-page").TextContent, StringComparison.Ordinal);

        _api.Answers.Enqueue(Page(1, 30, "r3"));
        list.Find("#resident-query").Change(" 沪A 123 ");
        list.Find("form.resident-search").Submit();
        list.WaitForAssertion(() => Assert.Equal("r3", list.Find("table.residents tbody tr").GetAttribute("data-person")));
        Assert.Equal("/api/compounds/demo/residents?q=%E6%B2%AAA%20123&page=1&pageSize=25", _api.Requests[1]);

        _api.Answers.Enqueue(Page(2, 30, "r4"));
        list.Find("#residents-next").Click();
        list.WaitForAssertion(() => Assert.Equal("r4", list.Find("table.residents tbody tr").GetAttribute("data-person")));
        Assert.Equal("/api/compounds/demo/residents?q=%E6%B2%AAA%20123&page=2&pageSize=25", _api.Requests[2]);
        Assert.True(list.Find("#residents-next").HasAttribute("disabled"), "30 matches fill two pages of 25");
        Assert.False(list.Find("#residents-previous").HasAttribute("disabled"));
    }

    [Fact]
    public void The_operator_names_the_compound()
    {
        _api.Answers.Enqueue(Page(1, 1, "r1"));
        var list = Render<ResidentSearch>(p => p.Add(x => x.CompoundId, "other-gardens"));
        list.WaitForAssertion(() => Assert.Single(_api.Requests));
        Assert.StartsWith("/api/compounds/other-gardens/residents?", _api.Requests[0], StringComparison.Ordinal);
    }

    private sealed class PagesApi : HttpMessageHandler
    {
        public Queue<ResidentPageDto> Answers { get; } = new();

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.PathAndQuery);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(Answers.Dequeue(), options: JsonSerializerOptions.Web) });
        }
    }
}
