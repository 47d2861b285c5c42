using System.Text;

namespace Parking.Domain;

/// <summary>
/// A hash of a text that every process computes alike (FNV-1a over its UTF-8 bytes), for spreading one compound's
/// people over a fixed number of grains; <c>string.GetHashCode</c> differs between processes and runs.
/// </summary>
public static class StableBuckets
{
    /// <summary>Which of <paramref name="buckets"/> buckets <paramref name="key"/> falls in (0 to buckets − 1).</summary>
    public static int Of(string key, int buckets)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % (uint)buckets);
    }
}
