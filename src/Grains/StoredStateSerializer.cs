using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain.Rounds;
using Parking.Grains.Rounds;

namespace Parking.Grains;

/// <summary>
/// Grain state in Orleans' binary form (as <see cref="OrleansGrainStorageSerializer"/>), which also reads the
/// layouts earlier builds stored where a state's layout has changed since: today only the round grain's
/// (<see cref="RoundStateV1"/>). Storage that outlives a build (PostgreSQL) uses it.
/// </summary>
public sealed class StoredStateSerializer(Serializer serializer) : IGrainStorageSerializer
{
    private readonly OrleansGrainStorageSerializer _current = new(serializer);

    public BinaryData Serialize<T>(T? input) => _current.Serialize(input);

    public T? Deserialize<T>(BinaryData input) =>
        typeof(T) == typeof(RoundState) ? (T?)(object?)ReadRoundState(input) : _current.Deserialize<T>(input);

    private RoundState? ReadRoundState(BinaryData input)
    {
        try
        {
            return _current.Deserialize<RoundState>(input);
        }
        catch (SerializerException)
        {
            // The earlier layout starts with the round number (an integer) where today's holds the book (an object),
            // so reading it as today's fails on the first field, before anything is built.
            return _current.Deserialize<RoundStateV1>(input)?.ToCurrent();
        }
    }
}
