using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Parking.Web.Services;

/// <summary>
/// The app's language: Chinese (zh-CN, the demo compound's default) or English, remembered in local
/// storage. It is applied before the app starts, so a switch reloads the page (satellite resources and
/// culture data are loaded for the start culture).
/// </summary>
public sealed class CultureChoice(IJSRuntime js, NavigationManager navigation)
{
    public const string StorageKey = "parking.culture";
    public const string Default = "zh-CN";

    public static readonly IReadOnlyList<string> Supported = ["zh-CN", "en"];

    public static CultureInfo Resolve(string? stored) =>
        CultureInfo.GetCultureInfo(stored is not null && Supported.Contains(stored) ? stored : Default);

    public static CultureInfo Current => CultureInfo.CurrentUICulture;

    public async Task ApplyStoredAsync()
    {
        var culture = Resolve(await js.InvokeAsync<string?>("localStorage.getItem", StorageKey));
        CultureInfo.DefaultThreadCurrentCulture = culture;
        CultureInfo.DefaultThreadCurrentUICulture = culture;
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        await js.InvokeVoidAsync("document.documentElement.setAttribute", "lang", culture.Name);
    }

    public async Task SwitchAsync(string name)
    {
        if (!Supported.Contains(name) || string.Equals(name, Current.Name, StringComparison.Ordinal))
        {
            return;
        }

        await js.InvokeVoidAsync("localStorage.setItem", StorageKey, name);
        navigation.NavigateTo(navigation.Uri, forceLoad: true);
    }
}
