using System.Buffers.Text;
using System.Security.Cryptography;
using Orleans.Runtime;

namespace Parking.Grains.Notices;

[GenerateSerializer]
public sealed class VapidKeysState
{
    [Id(0)]
    public VapidKeys? Keys { get; set; }
}

/// <remarks>Stored like any grain state (in PostgreSQL in production), so the pair survives restarts and every silo uses it.</remarks>
public sealed class VapidKeysGrain(
    [PersistentState("vapid-keys", GrainKeys.StorageName)] IPersistentState<VapidKeysState> state) : Grain, IVapidKeysGrain
{
    public async Task<VapidKeys> Get()
    {
        if (state.State.Keys is null)
        {
            state.State.Keys = Generate();
            await state.WriteStateAsync();
        }

        return state.State.Keys;
    }

    /// <summary>A new P-256 pair as Web Push wants it: the public key uncompressed (0x04, X, Y), the private scalar, both base64url.</summary>
    public static VapidKeys Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new VapidKeys(
            Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]),
            Base64Url.EncodeToString(parameters.D!));
    }
}
