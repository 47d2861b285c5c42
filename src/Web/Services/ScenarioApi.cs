using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parking.Web.Services;

/// <summary>The committee's scenarios and simulation runs, and the staff's rebalancing suggestions, over HTTP with the session's bearer token.</summary>
public sealed class ScenarioApi(HttpClient http, Session session)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private string Base => $"api/compounds/{session.User?.CompoundId ?? throw new InvalidOperationException("Not signed in.")}";

    public Task<ScenarioSummaryDto[]> ListAsync(bool archived = false) => SendAsync<ScenarioSummaryDto[]>(HttpMethod.Get, $"{Base}/scenarios?archived={(archived ? "true" : "false")}");

    public Task<ScenarioDto> CreateAsync(ScenarioBody body) => SendAsync<ScenarioDto>(HttpMethod.Post, $"{Base}/scenarios", body);

    public Task<ScenarioDto> GetAsync(string id) => SendAsync<ScenarioDto>(HttpMethod.Get, $"{Base}/scenarios/{Uri.EscapeDataString(id)}");

    public Task<ScenarioVersionDto> SaveAsync(string id, ScenarioBody body) => SendAsync<ScenarioVersionDto>(HttpMethod.Put, $"{Base}/scenarios/{Uri.EscapeDataString(id)}", body);

    public Task<ScenarioSummaryDto> ArchiveAsync(string id) => SendAsync<ScenarioSummaryDto>(HttpMethod.Delete, $"{Base}/scenarios/{Uri.EscapeDataString(id)}");

    public Task<SimulationRunDto> RunAsync(string id, int version, SimulationRunRequestDto body) =>
        SendAsync<SimulationRunDto>(HttpMethod.Post, $"{Base}/scenarios/{Uri.EscapeDataString(id)}/versions/{version}/runs", body);

    public Task<SimulationRunDto[]> RunsAsync(string id) => SendAsync<SimulationRunDto[]>(HttpMethod.Get, $"{Base}/scenarios/{Uri.EscapeDataString(id)}/runs");

    public Task<SimulationRunDto[]> AllRunsAsync() => SendAsync<SimulationRunDto[]>(HttpMethod.Get, $"{Base}/simulations/runs");

    public Task<SimulationRunDto> CancelAsync(string id, string runId) =>
        SendAsync<SimulationRunDto>(HttpMethod.Delete, $"{Base}/scenarios/{Uri.EscapeDataString(id)}/runs/{Uri.EscapeDataString(runId)}");

    public Task<SimulationComparisonDto> CompareAsync(IEnumerable<string> runs) =>
        SendAsync<SimulationComparisonDto>(HttpMethod.Get, $"{Base}/simulations/compare?runs={Uri.EscapeDataString(string.Join(',', runs))}");

    public Task<RebalancingSuggestionDto[]> SuggestionsAsync() => SendAsync<RebalancingSuggestionDto[]>(HttpMethod.Get, $"{Base}/rebalancing/proposals");

    public Task<RebalancingSuggestionDto> SuggestionAsync(string id) => SendAsync<RebalancingSuggestionDto>(HttpMethod.Get, $"{Base}/rebalancing/proposals/{Uri.EscapeDataString(id)}");

    public Task<RebalancingSuggestionDto> SuggestAsync(RebalancingRequestDto body) => SendAsync<RebalancingSuggestionDto>(HttpMethod.Post, $"{Base}/rebalancing/proposals", body);

    public Task<RebalancingSuggestionDto> EditSuggestionAsync(string id, RebalancingEditDto body) =>
        SendAsync<RebalancingSuggestionDto>(HttpMethod.Put, $"{Base}/rebalancing/proposals/{Uri.EscapeDataString(id)}", body);

    public Task<RebalancingAcceptedDto> AcceptSuggestionAsync(string id, RebalancingAcceptDto body) =>
        SendAsync<RebalancingAcceptedDto>(HttpMethod.Post, $"{Base}/rebalancing/proposals/{Uri.EscapeDataString(id)}/accept", body);

    public Task<RebalancingSuggestionDto> RejectSuggestionAsync(string id, RebalancingRejectDto body) =>
        SendAsync<RebalancingSuggestionDto>(HttpMethod.Post, $"{Base}/rebalancing/proposals/{Uri.EscapeDataString(id)}/reject", body);

    /// <summary>The comparison as CSV text (the browser saves it from a data link: a plain link would carry no token).</summary>
    public async Task<string> CompareCsvAsync(IEnumerable<string> runs)
    {
        using var request = Request(HttpMethod.Get, $"{Base}/simulations/report.csv?runs={Uri.EscapeDataString(string.Join(',', runs))}");
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode
            ? await response.Content.ReadAsStringAsync()
            : throw new ApiProblemException((int)response.StatusCode, "error", response.ReasonPhrase ?? "error");
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        if (session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body = null)
    {
        using var request = Request(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json) ?? throw new ApiProblemException((int)response.StatusCode, "empty", "Empty response.");
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        var code = problem.TryGetProperty("code", out var c) ? c.GetString() ?? "error" : "error";
        var text = problem.TryGetProperty("detail", out var d) ? d.GetString() ?? code : code;
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object && errors.EnumerateObject().FirstOrDefault() is { Name: { Length: > 0 } field })
        {
            text = $"{field}: {text}";
        }

        throw new ApiProblemException((int)response.StatusCode, code, text);
    }
}
