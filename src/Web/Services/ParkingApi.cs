using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parking.Web.Services;

/// <summary>A refused request: the problem details' stable code and its human text.</summary>
public sealed class ApiProblemException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>The platform's HTTP API as the app uses it; every call carries the session's bearer token.</summary>
public sealed partial class ParkingApi(HttpClient http, Session session)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    private string Compound => session.User?.CompoundId ?? throw new InvalidOperationException("Not signed in.");

    public Task<UserDto[]> DemoUsersAsync(string role, int limit = 6) =>
        SendAsync<UserDto[]>(HttpMethod.Get, $"api/dev/users?role={Uri.EscapeDataString(role)}&limit={limit}", authorized: false);

    public Task<DevTokenResponse> DevTokenAsync(string userId) =>
        SendAsync<DevTokenResponse>(HttpMethod.Post, "api/dev/token", new DevTokenRequest(null, userId), authorized: false);

    public Task<LotSummaryDto[]> LotsAsync() => SendAsync<LotSummaryDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/lots");

    public Task<LotChangesDto> LotChangesAsync(string lotId, Guid epoch, long since) =>
        SendAsync<LotChangesDto>(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"api/compounds/{Compound}/lots/{lotId}/changes?epoch={epoch}&since={since}"));

    public Task<AvailabilityResultDto> AvailabilityAsync(DateTimeOffset start, DateTimeOffset end, string? kind, string? nearBuilding, int limit = 30)
    {
        var query = $"start={Iso(start)}&end={Iso(end)}&limit={limit}"
            + (string.IsNullOrEmpty(kind) ? "" : $"&kind={Uri.EscapeDataString(kind)}")
            + (string.IsNullOrWhiteSpace(nearBuilding) ? "" : $"&nearBuilding={Uri.EscapeDataString(nearBuilding.Trim())}");
        return SendAsync<AvailabilityResultDto>(HttpMethod.Get, $"api/compounds/{Compound}/availability?{query}");
    }

    public Task<ReservationDto> ReserveAsync(string spaceId, DateTimeOffset start, DateTimeOffset end, string? plate, string idempotencyKey) =>
        SendAsync<ReservationDto>(HttpMethod.Post, $"api/compounds/{Compound}/reservations", new ReserveRequest(spaceId, start, end, plate), idempotencyKey: idempotencyKey);

    public Task<ReservationDto[]> MyReservationsAsync() => SendAsync<ReservationDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/reservations/mine");

    /// <param name="action">cancel, check-in or check-out.</param>
    public Task<ReservationDto> ActAsync(string reservationId, string action) =>
        SendAsync<ReservationDto>(HttpMethod.Post, $"api/compounds/{Compound}/reservations/{Uri.EscapeDataString(reservationId)}/{action}");

    public Task<SpaceSharingDto> SharingAsync(string spaceId) =>
        SendAsync<SpaceSharingDto>(HttpMethod.Get, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/sharing");

    public Task<SpaceSharingDto> PublishSharingAsync(string spaceId, SharingPlanDto plan) =>
        SendAsync<SpaceSharingDto>(HttpMethod.Put, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/sharing", plan);

    public Task<SpaceSharingDto> WithdrawSharingAsync(string spaceId) =>
        SendAsync<SpaceSharingDto>(HttpMethod.Delete, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/sharing");

    public Task<ChargingAreaDto[]> ChargingAreasAsync() => SendAsync<ChargingAreaDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/charging/areas");

    public Task<ChargingRequestDto> RequestChargingAsync(string areaId, ChargingRequestBody body) =>
        SendAsync<ChargingRequestDto>(HttpMethod.Post, $"api/compounds/{Compound}/charging/areas/{Uri.EscapeDataString(areaId)}/requests", body);

    public Task<ChargingRequestDto[]> MyChargingRequestsAsync() => SendAsync<ChargingRequestDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/charging/requests/mine");

    public Task<ChargingSessionDto[]> MyChargingSessionsAsync() => SendAsync<ChargingSessionDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/charging/sessions/mine");

    public Task<ChargingEnergyDto> ChargingEnergyAsync() => SendAsync<ChargingEnergyDto>(HttpMethod.Get, $"api/compounds/{Compound}/charging/energy");

    public Task<ChargingRequestDto> CancelChargingAsync(string areaId, string requestId) =>
        SendAsync<ChargingRequestDto>(HttpMethod.Delete, $"api/compounds/{Compound}/charging/areas/{Uri.EscapeDataString(areaId)}/requests/{Uri.EscapeDataString(requestId)}");

    public Task<CreditAccountDto> MyCreditsAsync() => SendAsync<CreditAccountDto>(HttpMethod.Get, $"api/compounds/{Compound}/credits/mine?limit=1");

    public Task<MySpaceDto[]> MySpacesAsync() => SendAsync<MySpaceDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/spaces/mine");

    public Task<CompoundInfoDto> CompoundInfoAsync() => SendAsync<CompoundInfoDto>(HttpMethod.Get, $"api/compounds/{Compound}/info");

    public Task<ShelterSummaryDto[]> SheltersAsync() => SendAsync<ShelterSummaryDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/shelters?all=true");

    public Task<ShelterPortsDto> ShelterPortsAsync(string shelterId) =>
        SendAsync<ShelterPortsDto>(HttpMethod.Get, $"api/compounds/{Compound}/shelters/{Uri.EscapeDataString(shelterId)}/ports");

    public Task<ShelterSessionDto[]> MyShelterSessionsAsync() => SendAsync<ShelterSessionDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/shelters/sessions/mine");

    public Task<ShelterSessionDto> StartShelterSessionAsync(string shelterId, string portId, string? bike) =>
        SendAsync<ShelterSessionDto>(HttpMethod.Post, $"api/compounds/{Compound}/shelters/{Uri.EscapeDataString(shelterId)}/sessions", new StartShelterSessionRequest(portId, bike));

    public Task<ShelterSessionDto> StopShelterSessionAsync(string shelterId, string sessionId) =>
        SendAsync<ShelterSessionDto>(HttpMethod.Post, $"api/compounds/{Compound}/shelters/{Uri.EscapeDataString(shelterId)}/sessions/{Uri.EscapeDataString(sessionId)}/stop");
    public Task<ShelterDto[]> SheltersLiveAsync() => SendAsync<ShelterDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/shelters/live");

    public Task<ShelterAlarmDto> ClearShelterAlarmAsync(string shelterId) =>
        SendAsync<ShelterAlarmDto>(HttpMethod.Post, $"api/compounds/{Compound}/shelters/{Uri.EscapeDataString(shelterId)}/alarm/clear");

    public Task<OverstayDto[]> OverstaysAsync() => SendAsync<OverstayDto[]>(HttpMethod.Get, $"api/compounds/{Compound}/overstays");

    public Task<NoShowListDto> NoShowListAsync(DateTimeOffset from, DateTimeOffset to) =>
        SendAsync<NoShowListDto>(HttpMethod.Get, $"api/compounds/{Compound}/reports/no-shows/list?from={Iso(from)}&to={Iso(to)}");

    public Task<SpaceAdminDto> SpaceAdminAsync(string spaceId) =>
        SendAsync<SpaceAdminDto>(HttpMethod.Get, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/admin");

    public Task<SpaceAdminDto> SetSpaceKindAsync(string spaceId, string kind) =>
        SendAsync<SpaceAdminDto>(HttpMethod.Put, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/kind", new SpaceKindBody(kind));

    public Task<SpaceAdminDto> SetSpaceServiceAsync(string spaceId, bool outOfService) =>
        SendAsync<SpaceAdminDto>(HttpMethod.Put, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/service", new SpaceServiceBody(outOfService));

    public Task<SpaceAdminDto> SetSpaceOwnerAsync(string spaceId, string ownership, string? householdId) =>
        SendAsync<SpaceAdminDto>(HttpMethod.Put, $"api/compounds/{Compound}/spaces/{Uri.EscapeDataString(spaceId)}/owner", new SpaceOwnerBody(ownership, householdId));

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture));

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body = null, bool authorized = true, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorized && session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await http.SendAsync(request);
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json) ?? throw new ApiProblemException((int)response.StatusCode, "empty", "Empty response.");
        }

        throw await ProblemAsync(response);
    }

    private static async Task<ApiProblemException> ProblemAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            var code = problem.TryGetProperty("code", out var c) ? c.GetString() ?? "error" : "error";
            var text = problem.TryGetProperty("detail", out var d) && d.GetString() is { Length: > 0 } detail
                ? detail
                : problem.TryGetProperty("title", out var t) ? t.GetString() ?? code : code;
            return new ApiProblemException(status, code, text);
        }
        catch (JsonException)
        {
            return new ApiProblemException(status, "error", response.ReasonPhrase ?? status.ToString(CultureInfo.InvariantCulture));
        }
    }
}
