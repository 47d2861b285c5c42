using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// A gate camera's events, signed as a real camera signs them and posted over HTTP to the real silo, move the
/// staff's lot map and the driver's page live: no button is pressed.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class GateTests(WebAppFixture app) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new() { BaseAddress = app.BaseAddress };

    private const string Driver = "r00047";
    private const string Plate = "沪A·6G218";

    [Fact]
    public async Task A_signed_gate_event_checks_the_driver_in_and_out_on_the_staff_map_and_the_drivers_page()
    {
        using var api = new ApiCalls(app.BaseAddress);
        var secret = (await api.SendAsync(HttpMethod.Post, "gates/browser-north/credentials", "staff01")).GetProperty("secret").GetString()!;

        // The driver books a space starting in five minutes, giving the plate the camera will read.
        var start = DateTimeOffset.UtcNow.AddMinutes(5);
        var end = start.AddHours(1);
        // A space nobody holds for the next 26 hours: the map shows a space "booked" while a hold starts within 24 hours,
        // and other tests of this app book spaces for tomorrow, so a space free only in this hour may stay "booked".
        // A search covers at most 24 hours, so two searches.
        var now = DateTimeOffset.UtcNow;
        var today = await FreeSpacesAsync(api, now, now.AddHours(24));
        var tomorrow = (await FreeSpacesAsync(api, now.AddHours(23), now.AddHours(26))).Select(s => s.GetProperty("spaceId").GetString()).ToHashSet();
        var space = today.First(s => tomorrow.Contains(s.GetProperty("spaceId").GetString()));
        var (spaceId, lotId) = (space.GetProperty("spaceId").GetString()!, space.GetProperty("lotId").GetString()!);
        var booked = await api.SendAsync(HttpMethod.Post, "reservations", Driver, new { spaceId, start, end, plate = Plate });
        var reservationId = booked.GetProperty("id").GetString()!;

        await using var staff = await PageSession.OpenAsync(app);
        await using var driver = await PageSession.OpenAsync(app, 412, 915);
        await staff.SignInAsync("staff", "staff02");
        await driver.SignInAsync("resident", Driver);
        var reservation = driver.Page.Locator($".reservation[data-reservation='{reservationId}']");
        await Expect(reservation).ToHaveAttributeAsync("data-status", "reserved");
        await staff.Page.Locator($"button[data-lot='{lotId}']").ClickAsync();
        var cell = staff.Page.Locator($"g[data-space='{spaceId}']");
        await Expect(cell).Not.ToHaveAttributeAsync("data-state", "occupied");

        // The camera reads the plate its own way (no middle dot, lower case) and posts the entry.
        var entry = await PostEventAsync("browser-north", secret, new { eventId = "bn-0001", direction = "in", plate = "沪a6g218", plateColour = "blue", confidence = 0.96, eventTime = DateTimeOffset.UtcNow });
        Assert.Equal(("open", "checked-in"), (entry.GetProperty("decision").GetString(), entry.GetProperty("reason").GetString()));
        await Expect(reservation).ToHaveAttributeAsync("data-status", "checkedIn");
        await Expect(cell).ToHaveAttributeAsync("data-state", "occupied");
        await staff.ScreenshotAsync("staff-gate-checked-in");
        await driver.ScreenshotAsync("driver-gate-checked-in");

        var exit = await PostEventAsync("browser-north", secret, new { eventId = "bn-0002", direction = "out", plate = Plate, plateColour = "blue", confidence = 0.93, eventTime = DateTimeOffset.UtcNow });
        Assert.Equal(("open", "checked-out"), (exit.GetProperty("decision").GetString(), exit.GetProperty("reason").GetString()));
        await Expect(reservation).ToHaveAttributeAsync("data-status", "completed");
        await Expect(cell).ToHaveAttributeAsync("data-state", "free");
        staff.AssertNoErrors();
        driver.AssertNoErrors();
    }

    [Fact]
    public async Task Staff_provision_a_gate_from_its_page_decide_an_unknown_plate_live_and_revoke_the_gate()
    {
        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff03");
        await staff.Page.Locator("nav a[href='staff/gates']").ClickAsync();

        // Provisioning shows the secret once; a camera configured with it is heard.
        await staff.Page.Locator("#gate-id").FillAsync("browser-east");
        await staff.Page.Locator("#provision-gate").ClickAsync();
        var secretBox = staff.Page.Locator(".secret-box[data-gate-secret='browser-east'] code.secret");
        await Expect(secretBox).ToBeVisibleAsync();
        var secret = (await secretBox.TextContentAsync())!.Trim();
        Assert.True(secret.Length >= 32, $"The secret shown is '{secret}'.");

        // A car the compound does not know: the gate denies it and the staff list shows it without a reload.
        var unknown = await PostEventAsync("browser-east", secret, new { eventId = "be-0001", direction = "in", plate = "苏E73921", plateColour = "blue", confidence = 0.91, eventTime = DateTimeOffset.UtcNow, pictureRef = "https://camera.invalid/be-0001.jpg" });
        Assert.Equal(("deny", "unknown-plate", true), (unknown.GetProperty("decision").GetString(), unknown.GetProperty("reason").GetString(), unknown.GetProperty("review").GetBoolean()));
        var review = staff.Page.Locator("li.gate-review[data-event='be-0001']");
        await Expect(review).ToHaveAttributeAsync("data-reason", "unknown-plate");
        await Expect(review.Locator(".plate")).ToHaveTextAsync("苏E73921");
        await staff.ScreenshotAsync("staff-gate-review");

        // Staff let it in: it leaves the waiting list for the decided one.
        await review.Locator("button[data-decide='open']").ClickAsync();
        await Expect(review).ToHaveCountAsync(0);
        await Expect(staff.Page.Locator(".gate-decided li[data-event='be-0001']")).ToHaveAttributeAsync("data-decided", "open");

        // Revoked from the page: the camera's next event is refused.
        await staff.Page.Locator("#revoke-gate").ClickAsync();
        await Expect(staff.Page.Locator("p.ok[role='status']")).ToContainTextAsync("browser-east");
        using var refused = await SendEventAsync("browser-east", secret, new { eventId = "be-0002", direction = "in", plate = "苏E73921", plateColour = "blue", confidence = 0.91, eventTime = DateTimeOffset.UtcNow });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("device-unknown", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        staff.AssertNoErrors();
    }

    private static async Task<JsonElement[]> FreeSpacesAsync(ApiCalls api, DateTimeOffset start, DateTimeOffset end)
    {
        var window = $"start={Uri.EscapeDataString(start.ToString("O", CultureInfo.InvariantCulture))}&end={Uri.EscapeDataString(end.ToString("O", CultureInfo.InvariantCulture))}";
        var free = await api.SendAsync(HttpMethod.Get, $"availability?{window}&kind=standard&limit=100", Driver);
        return [.. free.GetProperty("spaces").EnumerateArray()];
    }

    /// <summary>Posts an event as a camera does: the JSON body signed with the gate's secret, HMAC-SHA256 over timestamp, method, path and body.</summary>
    private async Task<JsonElement> PostEventAsync(string gateId, string secret, object body)
    {
        using var response = await SendEventAsync(gateId, secret, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"gate event: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> SendEventAsync(string gateId, string secret, object body)
    {
        var path = $"/api/compounds/demo-small/gates/{gateId}/events";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        byte[] signed = [.. System.Text.Encoding.UTF8.GetBytes($"{timestamp}.POST.{path}."), .. bytes];
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed);
        using var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/')) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Parking-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Parking-Signature", "sha256=" + Convert.ToHexStringLower(mac));
        return await _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();
}
