using System.Security.Cryptography;

namespace Parking.Grains.Devices;

/// <summary>What kind of device a credential belongs to; part of the credential grain's key.</summary>
public enum DeviceKind
{
    Gate,
    ShelterController,
}

/// <summary>A device's secret as issued: shown once to the staff member who provisioned or rotated it.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedSecret([property: Id(0)] string Secret, [property: Id(1)] int Version, [property: Id(2)] DateTimeOffset IssuedAt);

[GenerateSerializer]
public sealed class DeviceCredentialState
{
    [Id(0)]
    public string? Secret { get; set; }

    [Id(1)]
    public int Version { get; set; }

    [Id(2)]
    public DateTimeOffset? IssuedAt { get; set; }

    [Id(3)]
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// One device's own credential (key: compound/kind:device): a random secret that staff provision, rotate
/// (the old one stops working at once) and revoke. A person's token never stands in for it.
/// </summary>
public interface IDeviceCredentialGrain : IGrainWithStringKey
{
    /// <summary>Provisions a new secret, or rotates it: the previous one is refused from now on.</summary>
    Task<IssuedSecret> Issue();

    /// <summary>Revokes the secret; returns false when there was none.</summary>
    Task<bool> Revoke();

    /// <summary>Whether the device has a secret that works.</summary>
    [ReadOnly]
    Task<bool> IsIssued();

    /// <summary>Compares a presented secret in constant time.</summary>
    [ReadOnly]
    Task<bool> Verify(string secret);

    /// <summary>The secret's bytes, for checking a device's HMAC signature on this host; null when none is issued.</summary>
    [ReadOnly]
    Task<byte[]?> SigningKey();
}

public sealed class DeviceCredentialGrain(
    [PersistentState("device-credential", GrainKeys.StorageName)] IPersistentState<DeviceCredentialState> state,
    ParkingClock time) : Grain, IDeviceCredentialGrain
{
    public async Task<IssuedSecret> Issue()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        state.State.Secret = secret;
        state.State.Version++;
        state.State.IssuedAt = time.GetUtcNow();
        state.State.RevokedAt = null;
        await state.WriteStateAsync();
        return new IssuedSecret(secret, state.State.Version, state.State.IssuedAt.Value);
    }

    public async Task<bool> Revoke()
    {
        if (state.State.Secret is null)
        {
            return false;
        }

        state.State.Secret = null;
        state.State.RevokedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        return true;
    }

    public Task<bool> IsIssued() => Task.FromResult(state.State.Secret is not null);

    public Task<bool> Verify(string secret)
    {
        if (state.State.Secret is not { } known || secret is null)
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(known),
            System.Text.Encoding.UTF8.GetBytes(secret)));
    }

    public Task<byte[]?> SigningKey() =>
        Task.FromResult(state.State.Secret is { } secret ? System.Text.Encoding.UTF8.GetBytes(secret) : null);
}

public static class DeviceCredentialKeys
{
    public static IDeviceCredentialGrain DeviceCredential(this IGrainFactory grains, string compoundId, DeviceKind kind, string deviceId) =>
        grains.GetGrain<IDeviceCredentialGrain>(GrainKeys.Of(compoundId, $"{(kind == DeviceKind.Gate ? "gate" : "shelter")}:{deviceId}"));
}
