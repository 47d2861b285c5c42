using Xunit;

namespace Parking.Grains.Tests;

public class CompoundScopedKeyTests
{
    [Fact]
    public void A_key_is_the_compound_then_the_local_id_and_parses_back()
    {
        var key = new CompoundScopedKey("chengshangcheng", "G1-007");

        Assert.Equal("chengshangcheng/G1-007", key.ToString());
        Assert.Equal(key, CompoundScopedKey.Parse(key.ToString()));
        Assert.Equal(key.ToString(), GrainKeys.Of("chengshangcheng", "G1-007"));
    }

    [Fact]
    public void Only_the_first_slash_separates_and_a_compound_key_has_no_local_id()
    {
        Assert.Equal(new CompoundScopedKey("c1", "ledger-3/archive"), CompoundScopedKey.Parse("c1/ledger-3/archive"));
        Assert.Equal(new CompoundScopedKey("c1", string.Empty), CompoundScopedKey.Parse("c1"));
    }
}
