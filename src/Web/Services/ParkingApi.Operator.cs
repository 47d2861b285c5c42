using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Parking.Web.Services;

/// <summary>A file picked for an import: its name and text.</summary>
public sealed record UploadedFile(string Name, string Text);

/// <summary>What an import request came back with: the report, or every problem of the file with its place.</summary>
public sealed record ImportAttempt(ImportReportDto? Report, IReadOnlyList<string> Problems, string? Message, string? Code);

/// <summary>An import job started (<c>Job</c>), or refused before it started (<c>Refused</c>).</summary>
public sealed record ImportJobStart(ImportJobDto? Job, ImportAttempt? Refused);

/// <summary>The sub-district operator's calls: compounds, importing compound files, the dashboard.</summary>
public sealed partial class ParkingApi
{
    public Task<CompoundSummaryDto[]> CompoundsAsync() => SendAsync<CompoundSummaryDto[]>(HttpMethod.Get, "api/compounds");

    public Task<CompoundDashboardDto[]> DashboardAsync() => SendAsync<CompoundDashboardDto[]>(HttpMethod.Get, "api/dashboard");

    public Task<CompoundDrillDownDto> CompoundDashboardAsync(string compoundId) =>
        SendAsync<CompoundDrillDownDto>(HttpMethod.Get, $"api/compounds/{Uri.EscapeDataString(compoundId)}/dashboard");

    public Task<LotSummaryDto[]> LotsOfAsync(string compoundId) =>
        SendAsync<LotSummaryDto[]>(HttpMethod.Get, $"api/compounds/{Uri.EscapeDataString(compoundId)}/lots");

    public Task<LotOccupancyDto> OccupancyOfAsync(string compoundId, string lotId) =>
        SendAsync<LotOccupancyDto>(HttpMethod.Get, $"api/compounds/{Uri.EscapeDataString(compoundId)}/lots/{Uri.EscapeDataString(lotId)}/occupancy");

    /// <summary>
    /// Sends a compound file, with the CSV files it names, as one multipart form: a preview (<paramref name="dryRun"/>)
    /// or an apply at the previewed version. A refusal comes back as problems, not as an exception.
    /// </summary>
    public async Task<ImportAttempt> ImportAsync(UploadedFile compoundFile, IReadOnlyList<UploadedFile> csvFiles, bool dryRun, int? expectedVersion)
    {
        var query = dryRun ? "dryRun=true" : "dryRun=false" + (expectedVersion is { } v ? string.Create(CultureInfo.InvariantCulture, $"&expectedVersion={v}") : "");
        using var response = await SendImportAsync($"api/compounds/import?{query}", compoundFile, csvFiles);
        return response.IsSuccessStatusCode
            ? new ImportAttempt(await response.Content.ReadFromJsonAsync<ImportReportDto>(Json), [], null, null)
            : await RefusedImportAsync(response);
    }

    /// <summary>
    /// Starts applying a compound file as a job at the previewed version: the job to follow, or the refusal (every
    /// problem of the file with its place, or why the compound takes no import now) as problems.
    /// </summary>
    public async Task<ImportJobStart> StartImportAsync(UploadedFile compoundFile, IReadOnlyList<UploadedFile> csvFiles, int? expectedVersion)
    {
        var query = expectedVersion is { } v ? string.Create(CultureInfo.InvariantCulture, $"?expectedVersion={v}") : "";
        using var response = await SendImportAsync($"api/compounds/imports{query}", compoundFile, csvFiles);
        return response.IsSuccessStatusCode
            ? new ImportJobStart(await response.Content.ReadFromJsonAsync<ImportJobDto>(Json), null)
            : new ImportJobStart(null, await RefusedImportAsync(response));
    }

    public Task<ImportJobDto> ImportJobAsync(string jobId) =>
        SendAsync<ImportJobDto>(HttpMethod.Get, $"api/compounds/imports/{Uri.EscapeDataString(jobId)}");

    /// <summary>Asks the job to stop at its next checkpoint (a job that has ended meanwhile is refused with import-ended).</summary>
    public Task<ImportJobDto> CancelImportAsync(string jobId) =>
        SendAsync<ImportJobDto>(HttpMethod.Post, $"api/compounds/imports/{Uri.EscapeDataString(jobId)}/cancel");

    private async Task<HttpResponseMessage> SendImportAsync(string path, UploadedFile compoundFile, IReadOnlyList<UploadedFile> csvFiles)
    {
        ArgumentNullException.ThrowIfNull(compoundFile);
        ArgumentNullException.ThrowIfNull(csvFiles);
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var form = new MultipartFormDataContent();
        form.Add(new StringContent(compoundFile.Text, Encoding.UTF8, "application/json"), "file", compoundFile.Name);
        foreach (var csv in csvFiles)
        {
            form.Add(new StringContent(csv.Text, Encoding.UTF8, "text/csv"), "csv", csv.Name);
        }

        request.Content = form;
        return await http.SendAsync(request);
    }

    private static async Task<ImportAttempt> RefusedImportAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            var code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var problems = problem.TryGetProperty("problems", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(p => p.GetString() ?? "").ToArray()
                : [];
            if (problems.Length == 0 && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                problems = [.. errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => $"{e.Name}: {m.GetString()}"))];
            }

            return new ImportAttempt(null, problems, detail, code);
        }
        catch (JsonException)
        {
            return new ImportAttempt(null, [], response.ReasonPhrase, "error");
        }
    }
}
