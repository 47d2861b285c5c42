using System.Collections.Concurrent;
using System.Text.Json;

namespace Parking.Contracts;

/// <summary>
/// The name the API writes for a Contracts enum member (<c>checkedIn</c>, <c>ev</c>), taken from the enum's own
/// JSON converter: pages use it for CSS classes, <c>data-</c> attributes and resource keys, so the page and
/// the wire say the same word. The strings come from the JSON converter, never from a second spelling.
/// </summary>
public static class WireNames
{
    public static string WireName<TEnum>(this TEnum value)
        where TEnum : struct, Enum => Names<TEnum>.Of.GetOrAdd(value, v => JsonSerializer.SerializeToElement(v).GetString()!);

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly ConcurrentDictionary<TEnum, string> Of = new();
    }
}
