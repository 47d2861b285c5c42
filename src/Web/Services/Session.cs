using System.Text.Json;
using Microsoft.JSInterop;

namespace Parking.Web.Services;

/// <summary>
/// Who is signed in: the demo user and their token. Kept in memory and in the tab's session storage (so a
/// reload, e.g. after a language switch, keeps the user signed in; closing the tab signs out).
/// </summary>
public sealed class Session(IJSRuntime js)
{
    private const string StorageKey = "parking.session";

    public string? Token { get; private set; }

    public UserDto? User { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public bool IsSignedIn => Token is not null && User is not null;

    public event Action? Changed;

    public async Task RestoreAsync()
    {
        try
        {
            var stored = await js.InvokeAsync<string?>("sessionStorage.getItem", StorageKey);
            if (stored is not null && JsonSerializer.Deserialize<DevTokenResponse>(stored, JsonSerializerOptions.Web) is { } saved)
            {
                Token = saved.AccessToken;
                User = saved.User;
                ExpiresAt = saved.ExpiresAt;
            }
        }
        catch (JsonException)
        {
            await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        }
    }

    public async Task SignInAsync(DevTokenResponse token)
    {
        Token = token.AccessToken;
        User = token.User;
        ExpiresAt = token.ExpiresAt;
        await js.InvokeVoidAsync("sessionStorage.setItem", StorageKey, JsonSerializer.Serialize(token, JsonSerializerOptions.Web));
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        Token = null;
        User = null;
        await js.InvokeVoidAsync("sessionStorage.removeItem", StorageKey);
        Changed?.Invoke();
    }
}
