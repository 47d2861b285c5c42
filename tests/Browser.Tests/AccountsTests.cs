using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace Parking.Browser.Tests;

/// <summary>
/// Staff manage the compound's committee and staff accounts on the people page (in Chinese, as the app opens for a
/// browser set to zh-CN): each change made by clicking is checked through the API as another device would read it,
/// and the page offers only what the API allows staff (no "take role away" on a staff account).
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class AccountsTests(WebAppFixture app)
{
    [Fact]
    public async Task Staff_give_a_committee_role_take_it_away_and_make_someone_staff_through_the_page()
    {
        using var api = new ApiCalls(app.BaseAddress);
        var person = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await using var staff = await PageSession.OpenAsync(app);
        await staff.SignInAsync("staff", "staff02");
        await staff.Page.GotoAsync("staff/people");
        await Expect(staff.Page.Locator("#accounts-title")).ToHaveTextAsync("物业与业委会账号");

        // Committee: given on the page, read back through the API.
        await staff.Page.Locator("#account-person").FillAsync(person);
        await staff.Page.Locator("#account-name").FillAsync("陈洁");
        await staff.Page.Locator("#account-role").SelectOptionAsync("committee");
        await staff.Page.Locator("#grant-role-button").ClickAsync();
        var row = staff.Page.Locator($"table.accounts tr[data-person='{person}']");
        await Expect(row).ToHaveAttributeAsync("data-role", "committee");
        await Expect(row).ToContainTextAsync("业委会");
        await Expect(staff.Page.Locator(".status-line .ok")).ToHaveTextAsync("陈洁 现为业委会。");
        Assert.Equal("committee", RoleOf(await api.SendAsync(HttpMethod.Get, "people", "staff02"), person));

        // Taken away on the page: the API no longer lists them.
        await row.Locator("button.remove-role").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Null(RoleOf(await api.SendAsync(HttpMethod.Get, "people", "staff02"), person));

        // Staff: given on the page; staff cannot take a staff account away, so the page offers no button for it.
        await staff.Page.Locator("#account-person").FillAsync(person);
        await staff.Page.Locator("#account-name").FillAsync("陈洁");
        await staff.Page.Locator("#account-role").SelectOptionAsync("staff");
        await staff.Page.Locator("#grant-role-button").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-role", "staff");
        await Expect(row.Locator("button.remove-role")).ToHaveCountAsync(0);
        Assert.Equal("staff", RoleOf(await api.SendAsync(HttpMethod.Get, "people", "staff02"), person));
        var audit = await api.SendAsync(HttpMethod.Get, "audit?limit=1000", "staff02");
        Assert.Equal(2, audit.EnumerateArray().Count(e => e.GetProperty("action").GetString() == "roleGranted" && e.GetProperty("subjectId").GetString() == person));
        Assert.Single(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "roleRemoved" && e.GetProperty("subjectId").GetString() == person);

        // The operator takes the staff account away through the API; the page shows it gone once reloaded.
        await api.SendAsync(HttpMethod.Delete, $"people/{person}/role", "operator01");
        await staff.Page.ReloadAsync();
        await Expect(staff.Page.Locator("#accounts-title")).ToBeVisibleAsync();
        await Expect(staff.Page.Locator("table.accounts tr[data-person]").First).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
        staff.AssertNoErrors();
    }

    private static string? RoleOf(JsonElement roster, string person) =>
        roster.EnumerateArray().Where(e => e.GetProperty("personId").GetString() == person).Select(e => e.GetProperty("role").GetString()).SingleOrDefault();
}
