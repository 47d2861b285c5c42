namespace Parking.Contracts;

/// <summary>
/// What a client needs to show a compound's times and money: its local time as an offset from UTC
/// (<c>+08:00</c>, and in minutes) and the currency of money amounts (ISO 4217, <c>CNY</c>).
/// </summary>
public sealed record CompoundInfoDto(string CompoundId, string UtcOffset, int UtcOffsetMinutes, string Currency);
