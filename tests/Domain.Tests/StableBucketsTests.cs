using Parking.Domain;
using Xunit;

namespace Parking.Domain.Tests;

public class StableBucketsTests
{
    [Fact]
    public void A_key_falls_in_the_same_bucket_in_every_process_and_inside_the_range()
    {
        Assert.Equal(StableBuckets.Of("r00001", 64), StableBuckets.Of(new string("r00001".ToCharArray()), 64));
        Assert.All(Enumerable.Range(0, 500).Select(i => StableBuckets.Of($"person-{i}", 64)), b => Assert.InRange(b, 0, 63));
        Assert.Equal(0, StableBuckets.Of("anyone", 1));
    }

    [Fact]
    public void Many_keys_spread_over_every_bucket()
    {
        var counts = Enumerable.Range(0, 6_400).GroupBy(i => StableBuckets.Of($"person-{i}", 64)).Select(g => g.Count()).ToList();
        Assert.Equal(64, counts.Count);
        Assert.True(counts.Max() < 200, $"the fullest bucket holds {counts.Max()} of 6,400 keys");
    }

    [Fact]
    public void The_value_is_the_fnv_1a_hash_of_the_utf8_bytes()
    {
        // FNV-1a 32-bit of the empty input is the offset basis 2166136261; of "a" it is 0xE40C292C.
        Assert.Equal((int)(2166136261u % 1000u), StableBuckets.Of("", 1000));
        Assert.Equal((int)(0xE40C292Cu % 1000u), StableBuckets.Of("a", 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => StableBuckets.Of("a", 0));
    }
}
