namespace Parking.Domain.Reservations;

/// <summary>Why a driver's booking broke and the driver is moved to another space (or told none is free).</summary>
public enum BrokenBookingReason
{
    /// <summary>The owner withdrew the shared window the booking was in.</summary>
    Withdrawn,

    /// <summary>The car before has not left the space.</summary>
    Overstay,

    /// <summary>Staff blocked the space.</summary>
    Blocked,
}
