using System.Net;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Grains;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>A re-import that takes a space out of service, or puts it back, as staff would with a block.</summary>
public sealed partial class CompoundImportApiTests
{
    /// <summary>The live demo compound as a file, every space as it is live (the file names no service).</summary>
    private async Task<CompoundFile> LiveFile()
    {
        var layout = await _host.Grains.Compound(ParkingHost.Compound).GetLayout();
        var file = CompoundFileMapping.FromLayout(layout!);
        return file with { Spaces = [.. file.Spaces.Select(s => s with { OutOfService = null })] };
    }

    private static CompoundFile Service(CompoundFile file, string spaceId, bool outOfService) =>
        file with { Spaces = [.. file.Spaces.Select(s => s.Id == spaceId ? s with { OutOfService = outOfService } : s)] };

    private Task<SpaceAdminDto> AdminOf(string spaceId) =>
        _host.GetOkAsync<SpaceAdminDto>(ParkingHost.CompoundPath($"spaces/{spaceId}/admin"), "staff01");

    [Fact]
    public async Task A_reimport_that_takes_a_booked_space_out_of_service_blocks_it_as_staff_do_and_a_later_one_reopens_it()
    {
        const string Space = "T1-008";
        var start = _host.Now.AddHours(9);
        var booked = await _host.ReserveOkAsync("r00031", Space, start, start.AddHours(2));
        await using var driver = await _host.ConnectHubAsync("r00031");
        var blocking = Service(await LiveFile(), Space, outOfService: true);

        // The preview says what the block does to the booking, and changes nothing.
        var preview = await ImportOk(blocking, dryRun: true);
        Assert.Equal([Space], preview.SpacesOutOfService!);
        Assert.Empty(preview.SpacesBackInService!);
        Assert.Empty(preview.SpacesRemoved);
        var effect = Assert.Single(preview.Bookings, b => b.SpaceId == Space);
        Assert.Equal(1, effect.ActiveBookings);
        Assert.Contains("out of service as by a staff block", effect.Effect, StringComparison.Ordinal);
        Assert.False((await AdminOf(Space)).OutOfService);
        Assert.Equal("reserved", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{booked.Id}"), "r00031")).Status.WireName());

        var applied = await ImportOk(blocking, dryRun: false, preview.LiveVersion);
        Assert.Equal([Space], applied.SpacesOutOfService!);
        Assert.Equal(1, applied.BookingsMoved);

        // As a staff block: the booking refunded and cancelled, the driver moved to a space of the same kind and told why.
        var notice = await driver.WaitForDriverNoticeAsync(n => n.Broken.Id == booked.Id, "the blocked space's booking notice");
        Assert.Equal(BrokenBookingReasonDto.Blocked, notice.Reason);
        Assert.NotNull(notice.Replacement);
        Assert.NotEqual(Space, notice.Replacement.SpaceId);
        Assert.Equal((start, start.AddHours(2)), (notice.Replacement.Start, notice.Replacement.End));
        Assert.Equal("cancelled", (await _host.GetOkAsync<ReservationDto>(ParkingHost.CompoundPath($"reservations/{booked.Id}"), "r00031")).Status.WireName());
        var admin = await AdminOf(Space);
        Assert.True(admin.OutOfService);
        Assert.Empty(admin.Active);
        Assert.Equal("outOfService", (await _host.SpaceAsync(Space)).Status.WireName());

        // The same file again has nothing left to do; a file that does not speak of the space leaves it blocked.
        Assert.Empty((await ImportOk(blocking, dryRun: true)).SpacesOutOfService!);
        var silent = await ImportOk(await LiveFile(), dryRun: true);
        Assert.Empty(silent.SpacesOutOfService!);
        Assert.Empty(silent.SpacesBackInService!);

        // Putting it back in service reopens it as staff would.
        var reopening = Service(await LiveFile(), Space, outOfService: false);
        var reopenPreview = await ImportOk(reopening, dryRun: true);
        Assert.Equal([Space], reopenPreview.SpacesBackInService!);
        var reopened = await ImportOk(reopening, dryRun: false, reopenPreview.LiveVersion);
        Assert.Equal([Space], reopened.SpacesBackInService!);
        Assert.False((await AdminOf(Space)).OutOfService);
        Assert.NotEqual("outOfService", (await _host.SpaceAsync(Space)).Status.WireName());
    }

    [Fact]
    public async Task A_file_with_a_service_that_is_not_true_or_false_is_refused_naming_the_field_and_changes_nothing()
    {
        var file = await LiveFile();
        var index = file.Spaces.ToList().FindIndex(s => s.Id == "T1-012");
        var text = CompoundFileReader.Write(file).Replace("\"id\":\"T1-012\",", "\"id\":\"T1-012\",\"outOfService\":\"yes\",", StringComparison.Ordinal);

        using var response = await _host.SendAsync(
            HttpMethod.Post, "/api/compounds/import?dryRun=false", Operator, new StringContent(text, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"spaces[{index}].outOfService", body, StringComparison.Ordinal);
        Assert.False((await AdminOf("T1-012")).OutOfService);
    }
}
