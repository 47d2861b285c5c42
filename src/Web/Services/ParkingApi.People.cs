using System.Globalization;
using System.Net.Http.Headers;

namespace Parking.Web.Services;

/// <summary>People: the person's own memberships and data, invites and requests to join, and the staff's people pages.</summary>
public sealed partial class ParkingApi
{
    private string PeoplePath => $"api/compounds/{Compound}";

    public Task<DevTokenResponse> DevTokenAsync(string userId, string? compoundId, bool newcomer = false) =>
        SendAsync<DevTokenResponse>(HttpMethod.Post, "api/dev/token", new DevTokenRequest(compoundId, userId, newcomer), authorized: false);

    public Task<MeDto> MeAsync() => SendAsync<MeDto>(HttpMethod.Get, "api/me");

    public Task<MembershipDto> RedeemInviteAsync(string code, string displayName) =>
        SendAsync<MembershipDto>(HttpMethod.Post, "api/invites/redeem", new RedeemInviteRequest(code, displayName));

    public Task<JoinRequestDto> AskToJoinAsync(string compoundId, string householdId, string displayName, string? note) =>
        SendAsync<JoinRequestDto>(HttpMethod.Post, "api/join-requests", new AskToJoinRequest(compoundId, householdId, displayName, note));

    public Task<MeDto> AddVehicleAsync(string plate, bool isElectric) =>
        SendAsync<MeDto>(HttpMethod.Post, "api/me/vehicles", new AddVehicleRequest(plate, isElectric));

    public Task<MeDto> RemoveVehicleAsync(string plate) =>
        SendAsync<MeDto>(HttpMethod.Delete, $"api/me/vehicles/{Uri.EscapeDataString(plate)}");

    public Task<MeDto> RemoveEBikeAsync(string label) =>
        SendAsync<MeDto>(HttpMethod.Delete, $"api/me/ebikes/{Uri.EscapeDataString(label)}");

    public Task<MeDto> LeaveAsync(string compoundId) =>
        SendAsync<MeDto>(HttpMethod.Post, $"api/me/compounds/{Uri.EscapeDataString(compoundId)}/leave");

    /// <summary>The personal-data export as the server wrote it, to be saved as a file.</summary>
    public async Task<string> ExportAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me/export");
        if (session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : throw await ProblemAsync(response);
    }

    public Task<InviteDto[]> InvitesAsync() => SendAsync<InviteDto[]>(HttpMethod.Get, $"{PeoplePath}/invites");

    public Task<InviteDto> InviteAsync(string code) => SendAsync<InviteDto>(HttpMethod.Get, $"{PeoplePath}/invites/{Uri.EscapeDataString(code)}");

    public Task<InviteDto> CreateInviteAsync(string householdId, int? validDays) =>
        SendAsync<InviteDto>(HttpMethod.Post, $"{PeoplePath}/invites", new CreateInviteRequest(householdId, validDays));

    public Task<InviteDto> RevokeInviteAsync(string code) =>
        SendAsync<InviteDto>(HttpMethod.Post, $"{PeoplePath}/invites/{Uri.EscapeDataString(code)}/revoke");

    public Task<JoinRequestDto[]> JoinRequestsAsync() => SendAsync<JoinRequestDto[]>(HttpMethod.Get, $"{PeoplePath}/join-requests");

    public Task<JoinRequestDto> DecideJoinAsync(string requestId, bool approve, string? reason) =>
        SendAsync<JoinRequestDto>(HttpMethod.Post, $"{PeoplePath}/join-requests/{Uri.EscapeDataString(requestId)}/{(approve ? "approve" : "refuse")}", new DecideJoinRequest(reason));

    /// <summary>A page of the residents of a compound (the session's own when none is named) matching <paramref name="query"/>.</summary>
    public Task<ResidentPageDto> ResidentsAsync(string? query, int page, string? compoundId = null) =>
        SendAsync<ResidentPageDto>(
            HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"api/compounds/{Uri.EscapeDataString(compoundId ?? Compound)}/residents?q={Uri.EscapeDataString(query ?? "")}&page={page}&pageSize={ResidentPageSize}"));

    /// <summary>Residents shown per page.</summary>
    public const int ResidentPageSize = 25;

    public Task<RosterEntryDto[]> RosterAsync() => SendAsync<RosterEntryDto[]>(HttpMethod.Get, $"{PeoplePath}/people");

    public Task<MembershipDto> GrantRoleAsync(string personId, string role, string? displayName) =>
        SendAsync<MembershipDto>(HttpMethod.Put, $"{PeoplePath}/people/{Uri.EscapeDataString(personId)}/role", new GrantRoleRequest(role, displayName));

    /// <summary>Takes a staff or committee role away; the person stays a resident of their household, if they have one.</summary>
    public async Task RemoveRoleAsync(string personId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{PeoplePath}/people/{Uri.EscapeDataString(personId)}/role");
        if (session.Token is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response);
        }
    }

    public Task<AuditEntryDto[]> AuditAsync(int limit = 200) => SendAsync<AuditEntryDto[]>(HttpMethod.Get, $"{PeoplePath}/audit?limit={limit}");

    public Task<RetentionDto> RetentionAsync() => SendAsync<RetentionDto>(HttpMethod.Get, $"{PeoplePath}/retention");

    public Task<RetentionDto> SetRetentionAsync(int days) => SendAsync<RetentionDto>(HttpMethod.Put, $"{PeoplePath}/retention", new RetentionDto(days));
}
