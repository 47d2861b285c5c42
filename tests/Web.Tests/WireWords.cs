using System.Text.Json;
using Parking.Contracts;

namespace Parking.Web.Tests;

/// <summary>Reads a word as the API writes it (<c>checkedIn</c>) into its Contracts enum, through the enum's JSON converter.</summary>
internal static class WireWords
{
    public static TEnum As<TEnum>(this string word)
        where TEnum : struct, Enum => JsonSerializer.Deserialize<TEnum>(JsonSerializer.Serialize(word));
}
