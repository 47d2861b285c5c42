using System.Net;
using System.Text.Json;
using Parking.Api.Tests.Infrastructure;
using Parking.Contracts;
using Parking.Domain.CompoundFiles;
using Parking.Domain.Membership;
using Xunit;

namespace Parking.Api.Tests.Compounds;

/// <summary>
/// The export of a live compound (<c>GET /api/compounds/{id}/file</c>): a file of the published schema that re-imports
/// to the same layout and people. Each test imports compounds of its own, with people of their own (ids prefixed), so
/// what other tests do to the demo's people never shows in these exports; nothing here depends on the clock.
/// </summary>
public sealed partial class CompoundImportApiTests
{
    /// <summary>
    /// The published example file (the small demo) under another id, its people renamed with <paramref name="prefix"/>.
    /// Read from docs/, not made by the code that also exports, so a field the exporter drops cannot vanish from both sides.
    /// </summary>
    private static CompoundFile OwnPeople(string id, string prefix)
    {
        var read = CompoundFileReader.Read(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "examples", "compound-small.json")));
        Assert.True(read.IsSuccess, string.Join("; ", read.Problems));
        var file = read.File!;
        return file with
        {
            Compound = new CompoundEntry(id, "Export Gardens") { SubDistrict = "caojiadu" },
            People = [.. file.People.Select(p => p with { Id = prefix + p.Id })],
        };
    }

    private async Task<(string Text, CompoundFile File)> ExportOk(string compoundId, string person)
    {
        using var response = await _host.SendAsPersonAsync(HttpMethod.Get, $"/api/compounds/{compoundId}/file", person);
        await ParkingHost.Expect(response, HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();

        // Checked against the published schema (the importer's copy is the file in docs/, byte for byte) before it is read.
        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "compound-file.schema.json")), CompoundFileReader.SchemaText);
        using (var document = JsonDocument.Parse(text))
        {
            Assert.Empty(CompoundFileReader.SchemaProblems(document.RootElement));
        }

        var read = CompoundFileReader.Read(text);
        Assert.True(read.IsSuccess, string.Join("; ", read.Problems));
        Assert.Equal(CompoundFile.CurrentVersion, read.File!.Version);
        return (text, read.File);
    }

    private async Task<HttpStatusCode> ExportStatus(string compoundId, string person)
    {
        using var response = await _host.SendAsPersonAsync(HttpMethod.Get, $"/api/compounds/{compoundId}/file", person);
        return response.StatusCode;
    }

    private async Task Succeeds(HttpMethod method, string path, string person, object body)
    {
        using var response = await _host.SendAsPersonAsync(method, path, person, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} as {person}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// A file as the exporter writes it, whole, so that every field of every space, charger, shelter, household and
    /// person is compared: people in id order, and a car with a new-energy plate electric (Parking marks those
    /// electric whatever the file said).
    /// </summary>
    private static string Canonical(CompoundFile file) => CompoundFileReader.Write(
        file with
        {
            People =
            [
                .. file.People.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => p with
                {
                    Vehicles = p.Vehicles?.Select(v => v with { Electric = v.Electric || (Plate.TryParse(v.Plate, out var plate) && plate.IsNewEnergy) }).ToList(),
                }),
            ],
        },
        indented: true);

    [Fact]
    public async Task An_export_right_after_an_import_is_the_imported_file_and_only_its_staff_and_operator_may_have_it()
    {
        const string Fresh = "export-fresh";
        var file = OwnPeople(Fresh, "xf-");
        await ImportOk(file, dryRun: false, expectedVersion: 0);

        var (_, exported) = await ExportOk(Fresh, "xf-staff01");
        Assert.Equal(Canonical(file), Canonical(exported));
        Assert.Equal(Canonical(exported), Canonical((await ExportOk(Fresh, Operator)).File));

        Assert.Equal(HttpStatusCode.Forbidden, await ExportStatus(Fresh, "xf-r00001"));
        Assert.Equal(HttpStatusCode.Forbidden, await ExportStatus(Fresh, "xf-committee01"));
        Assert.Equal(HttpStatusCode.Forbidden, await ExportStatus(Fresh, "staff01"));
        Assert.Equal(HttpStatusCode.Forbidden, await ExportStatus("export-nowhere", Operator));
    }

    [Fact]
    public async Task A_compound_exported_after_staff_and_residents_changed_it_imports_as_a_copy_that_exports_the_same()
    {
        const string A = "export-a";
        const string B = "export-b";
        const string Staff = "xa-staff01";
        var file = OwnPeople(A, "xa-");
        await ImportOk(file, dryRun: false, expectedVersion: 0);

        // Staff change the live compound: a space retyped, a common space given to a household, the feed set by hand.
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/spaces/G1-005/kind", Staff, new SpaceKindBody("accessible"));
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/spaces/G1-003/owner", Staff, new SpaceOwnerBody("private", "H00001"));
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/charging/areas/CA-G1/site-capacity", Staff, new SiteCapacityBody(21));

        // Staff take a space out of service, and block and reopen another: only the first is out of service now.
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/spaces/T1-006/service", Staff, new SpaceServiceBody(true));
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/spaces/T1-008/service", Staff, new SpaceServiceBody(true));
        await Succeeds(HttpMethod.Put, $"/api/compounds/{A}/spaces/T1-008/service", Staff, new SpaceServiceBody(false));

        // A newcomer joins a household by invite and registers a car; a resident of the file registers a new-energy car.
        var invite = await _host.OkAsPersonAsync<InviteDto>(HttpMethod.Post, $"/api/compounds/{A}/invites", Staff, new CreateInviteRequest("H00002", 7), HttpStatusCode.Created);
        await Succeeds(HttpMethod.Post, "/api/invites/redeem", "xa-newcomer", new RedeemInviteRequest(invite.Code, "Zhou Min"));
        await Succeeds(HttpMethod.Post, "/api/me/vehicles", "xa-newcomer", new AddVehicleRequest("沪A12345", false));
        await Succeeds(HttpMethod.Post, "/api/me/vehicles", "xa-r00006", new AddVehicleRequest("沪AD12345", false));

        var expected = file with
        {
            Spaces =
            [
                .. file.Spaces.Select(s => s.Id switch
                {
                    "G1-005" => s with { Kind = "accessible" },
                    "G1-003" => s with { Ownership = "private", OwnerHouseholdId = "H00001" },
                    "T1-006" => s with { OutOfService = true },
                    _ => s,
                }),
            ],
            ChargingAreas = [.. file.ChargingAreas.Select(a => a.Id == "CA-G1" ? a with { FeedKw = 21 } : a)],
            People =
            [
                .. file.People.Select(p => p.Id == "xa-r00006" ? p with { Vehicles = [new VehicleEntry("沪AD12345") { Electric = true }] } : p),
                new PersonEntry("xa-newcomer", "Zhou Min", "resident") { HouseholdId = "H00002", Vehicles = [new VehicleEntry("沪A12345")] },
            ],
        };
        Assert.NotEqual(Canonical(file), Canonical(expected));

        var (textA, exportA) = await ExportOk(A, Staff);
        Assert.DoesNotContain(invite.Code, textA, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Canonical(expected), Canonical(exportA));

        // The export imported as a new compound: live as the file says, and exported again it is the same file.
        var copy = exportA with { Compound = exportA.Compound with { Id = B, Name = "Copy Gardens" } };
        var imported = await ImportOk(copy, dryRun: false, expectedVersion: 0);
        Assert.True(imported is { NewCompound: true, Applied: true, Spaces: 40 });
        var reowned = await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{B}/spaces/G1-003/admin", Staff);
        Assert.Equal(("private", "H00001"), (reowned.Ownership.WireName(), reowned.OwnerHouseholdId));
        Assert.Equal("accessible", (await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{B}/spaces/G1-005/admin", Staff)).Kind.WireName());
        Assert.True((await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{B}/spaces/T1-006/admin", Staff)).OutOfService);
        Assert.False((await _host.OkAsPersonAsync<SpaceAdminDto>(HttpMethod.Get, $"/api/compounds/{B}/spaces/T1-008/admin", Staff)).OutOfService);

        var (_, exportB) = await ExportOk(B, Operator);
        Assert.Equal((B, "Copy Gardens"), (exportB.Compound.Id, exportB.Compound.Name));
        Assert.Equal(Canonical(exportA), Canonical(exportB with { Compound = exportA.Compound }));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Parking.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Parking.sln not found above the test's folder.");
    }
}
