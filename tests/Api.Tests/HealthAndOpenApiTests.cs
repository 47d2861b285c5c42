using System.Net;
using System.Text.Json;
using Parking.Api.Tests.Infrastructure;
using Xunit;

namespace Parking.Api.Tests;

[Collection(SharedHostCollection.Name)]
public sealed class HealthAndOpenApiTests(SharedHostFixture fixture)
{
    private readonly ParkingHost _host = fixture.Host;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_without_a_token(string path)
    {
        using var response = await _host.GetAsync(path, userId: null);

        await ParkingHost.Expect(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_reservation_route()
    {
        using var response = await _host.GetAsync("/openapi/v1.json", userId: null);
        await ParkingHost.Expect(response, HttpStatusCode.OK);

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/compounds/{compoundId}/reservations", out var reservations), "OpenAPI paths lack the reservation route: " + string.Join(", ", paths.EnumerateObject().Select(p => p.Name)));
        Assert.True(reservations.TryGetProperty("post", out _), "The reservation route has no POST operation.");
    }
}
