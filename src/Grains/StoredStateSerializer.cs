using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;
using Parking.Domain.Rounds;
using Parking.Grains.Rounds;

namespace Parking.Grains;

/// <summary>
/// Grain state in Orleans' binary form (as <see cref="OrleansGrainStorageSerializer"/>), which also reads the
/// layouts earlier builds stored where a state's layout has changed since: today only the round grain's
/// (<see cref="RoundStateV1"/>). Storage that outlives a build (PostgreSQL) uses it, and so does the embedded default's
/// <see cref="InProcessGrainStorage"/>.
/// </summary>
/// <remarks>
/// A write is serialized into a buffer its thread keeps for the next write and copied once into an array of its exact
/// size, which the <see cref="BinaryData"/> returned wraps without copying again: the one immutable copy stored, which a
/// grain's later change cannot reach. Orleans' own storage serializer writes into a new growing array each time (each
/// growth a new array twice the last), which made stored copies the largest share of what a booking allocated.
/// </remarks>
public sealed class StoredStateSerializer(Serializer serializer) : IGrainStorageSerializer
{
    private readonly OrleansGrainStorageSerializer _current = new(serializer);

    /// <summary>A thread's buffer is kept for its next write only up to this capacity, so one large state does not pin memory.</summary>
    private const int KeptBuffer = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public BinaryData Serialize<T>(T? input)
    {
        // Serializing never yields, so the thread's buffer serves one write at a time.
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(4096);
        _buffer = null;
        try
        {
            serializer.Serialize(input, buffer);
            return new BinaryData(buffer.WrittenSpan.ToArray());
        }
        finally
        {
            if (buffer.Capacity <= KeptBuffer)
            {
                buffer.ResetWrittenCount();
                _buffer = buffer;
            }
        }
    }

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
