namespace Parking.Web.Services;

/// <summary>Staff and the compound's devices: the gates' review list and credentials, the shelter controllers' links.</summary>
public sealed partial class ParkingApi
{
    private string GatesPath => $"api/compounds/{Compound}/gates";

    /// <summary>Every listed gate event, waiting and decided.</summary>
    public Task<GateReviewDto[]> GateReviewsAsync() => SendAsync<GateReviewDto[]>(HttpMethod.Get, $"{GatesPath}/reviews?all=true");

    public Task<GateReviewDto> DecideGateReviewAsync(string gateId, string eventId, bool open) =>
        SendAsync<GateReviewDto>(HttpMethod.Post, $"{GatesPath}/{Uri.EscapeDataString(gateId)}/events/{Uri.EscapeDataString(eventId)}/decision", new GateReviewDecisionRequest(open));

    /// <summary>Provisions a gate or rotates its secret; the answer holds the secret, shown once.</summary>
    public Task<GateCredentialsDto> ProvisionGateAsync(string gateId) =>
        SendAsync<GateCredentialsDto>(HttpMethod.Post, $"{GatesPath}/{Uri.EscapeDataString(gateId)}/credentials");

    public Task RevokeGateAsync(string gateId) =>
        SendWithoutAnswerAsync(HttpMethod.Delete, $"{GatesPath}/{Uri.EscapeDataString(gateId)}/credentials", null);

    public Task<ShelterControllerDto> ShelterControllerAsync(string shelterId) =>
        SendAsync<ShelterControllerDto>(HttpMethod.Get, $"api/compounds/{Compound}/shelters/{Uri.EscapeDataString(shelterId)}/controller");
}
