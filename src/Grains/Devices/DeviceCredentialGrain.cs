using System.Security.Cryptography;

using Parking.Domain.Devices;

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
        state.State.Issue(secret, time.GetUtcNow());
        await state.WriteStateAsync();
        return new IssuedSecret(secret, state.State.Version, state.State.IssuedAt!.Value);
    }

    public async Task<bool> Revoke()
    {
        if (!state.State.Revoke(time.GetUtcNow()))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<bool> IsIssued() => Task.FromResult(state.State.IsIssued);

    public Task<bool> Verify(string secret) => Task.FromResult(state.State.Verify(secret));

    public Task<byte[]?> SigningKey() => Task.FromResult(state.State.SigningKey());
}


public static class DeviceCredentialKeys
{
    public static IDeviceCredentialGrain DeviceCredential(this IGrainFactory grains, string compoundId, DeviceKind kind, string deviceId) =>
        grains.GetGrain<IDeviceCredentialGrain>(GrainKeys.Of(compoundId, $"{(kind == DeviceKind.Gate ? "gate" : "shelter")}:{deviceId}"));
}
