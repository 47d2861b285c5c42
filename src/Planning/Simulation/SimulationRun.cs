using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Charging;
using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Shelters;
using Parking.Domain.Sharing;
using Parking.Domain.Simulation;
using Parking.Planning.Charging;

namespace Parking.Planning.Simulation;

/// <summary>The state of one run and its event queue. Events at one instant run in the order they were queued.</summary>
internal sealed partial class SimulationRun
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>How long after the last day begun stays, turns and sessions may run on: the longest booking and charging horizon.</summary>
    private static readonly TimeSpan DrainTime = TimeSpan.FromDays(2);

    private readonly SimulationInput _input;
    private readonly IProgress<SimulationProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly SimulationOptions _options;
    private readonly Domain.Scenarios.ScenarioPolicies _policies;
    private readonly ChargingPolicy _planningPolicy;
    private readonly TimeSpan _offset;
    private readonly DateTimeOffset _start;
    private readonly DateTimeOffset _end;
    private readonly PriorityQueue<Event, (long Ticks, long Seq)> _queue = new();
    private long _seq;
    private long _events;
    private long _unique;
    private DateTimeOffset _now;

    // Car parking
    private readonly Dictionary<string, SpaceCalendar> _calendars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LotIndex> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _activeByResident = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TimeWindow>> _visitorPasses = new(StringComparer.Ordinal);
    private readonly CreditLedger _ledger = new();
    private readonly Tally _parking = new();
    private readonly List<double> _spaceWaits = [];
    private readonly Dictionary<string, (int Requests, int Served)> _households = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BuildingTally> _buildings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unservedResidents = new(StringComparer.Ordinal);
    private int _visitorRequests;
    private int _visitorsServed;
    private int _noShows;
    private double _sharedHoursPublished;
    private double _sharedHoursBooked;
    private long _ownersEarnings;
    private long _compoundIncome;
    private readonly HashSet<string> _earningOwners = new(StringComparer.Ordinal);
    private int _occupied;
    private int _bookable;
    private readonly double[] _occupancySum = new double[24];
    private readonly int[] _occupancySamples = new int[24];
    private readonly double[,] _weekdayOccupancySum = new double[7, 24];
    private readonly int[,] _weekdayOccupancySamples = new int[7, 24];

    // Charging
    private readonly Dictionary<string, AreaRun> _areas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChargeRun> _charges = new(StringComparer.Ordinal);
    private readonly Tally _charging = new();
    private readonly List<double> _chargingWaits = [];
    private int _chargingNoShows;
    private int _chargingMoves;

    // E-bikes
    private readonly Dictionary<string, ShelterRun> _shelters = new(StringComparer.Ordinal);
    private readonly Tally _ebikes = new();

    public SimulationRun(SimulationInput input, IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        _input = input;
        _progress = progress;
        _cancellationToken = cancellationToken;
        _options = input.Options;
        _policies = input.Policies;
        _offset = input.Policies.Sharing.UtcOffset;
        var localStart = DateOnly.FromDateTime(input.Start.ToOffset(_offset).DateTime);
        _start = new DateTimeOffset(localStart.ToDateTime(TimeOnly.MinValue), _offset);
        _end = _start.AddDays(input.Days);
        _now = _start;
        _planningPolicy = PlanningPolicy(input.Policies.Charging, input.Rules.ChargingAlgorithm ?? _options.ChargingAlgorithm, _options.ChargingSolveBudget);
    }

    public SimulationResult Execute()
    {
        SetUpSpaces();
        SetUpCharging();
        SetUpShelters();
        QueueDemand();
        for (var t = _start; t < _end; t += Hour)
        {
            Queue(t, new HourTick());
        }

        _progress?.Report(new SimulationProgress(0, _input.Days, 0, _start, 0));
        // After the last day nothing new arrives, but what has begun runs to its end (a car that came in the
        // last evening charges overnight), so that energy and waits are not cut off at an arbitrary instant.
        var drainUntil = _end + DrainTime;
        while (_queue.TryDequeue(out var next, out var key) && key.Ticks < drainUntil.UtcTicks)
        {
            if (key.Ticks >= _end.UtcTicks && next is HourTick or ChargingArrival or EbikeArrival or Book { Attempt: 0 })
            {
                continue;
            }

            _cancellationToken.ThrowIfCancellationRequested();
            _now = new DateTimeOffset(key.Ticks, TimeSpan.Zero).ToOffset(_offset);
            _events++;
            Handle(next);
        }

        _now = _now > _end ? _now : _end;
        var result = Result();
        _progress?.Report(new SimulationProgress(_input.Days, _input.Days, 100, _end, RequestsSoFar));
        return result;
    }

    private int RequestsSoFar => _parking.Requests + _charging.Requests + _ebikes.Requests;

    private void Handle(Event next)
    {
        switch (next)
        {
            case HourTick:
                OnHour();
                break;
            case Book book:
                OnBook(book);
                break;
            case CheckIn checkIn:
                OnCheckIn(checkIn);
                break;
            case CheckOut checkOut:
                OnCheckOut(checkOut);
                break;
            case NoShowDue noShow:
                OnNoShow(noShow);
                break;
            case ChargingArrival arrival:
                OnChargingArrival(arrival.Demand);
                break;
            case AreaPlan plan:
                OnAreaPlan(plan.Area);
                break;
            case AreaDue due:
                OnAreaDue(due.Area, due.At);
                break;
            case ChargerFull full:
                OnChargerFull(full);
                break;
            case Unplug unplug:
                OnUnplug(unplug);
                break;
            case EbikeArrival bike:
                OnEbikeArrival(bike.Demand);
                break;
            case EbikeFull bikeFull:
                OnEbikeFull(bikeFull);
                break;
            case ShelterSweep sweep:
                OnShelterSweep(sweep.Shelter, sweep.At);
                break;
        }
    }

    private void Queue(DateTimeOffset at, Event e) => _queue.Enqueue(e, (at.UtcTicks, _seq++));

    /// <summary>A deterministic id in place of <see cref="Guid.NewGuid"/>.</summary>
    private Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, ++_unique);
        BitConverter.TryWriteBytes(bytes[8..], _input.Seed);
        return new Guid(bytes);
    }

    private void OnHour()
    {
        var local = _now.ToOffset(_offset);
        var share = _bookable == 0 ? 0 : 100.0 * _occupied / _bookable;
        _occupancySum[local.Hour] += share;
        _occupancySamples[local.Hour]++;
        _weekdayOccupancySum[(int)local.DayOfWeek, local.Hour] += share;
        _weekdayOccupancySamples[(int)local.DayOfWeek, local.Hour]++;
        if (local.Hour == 0 && _now > _start)
        {
            OnMidnight();
        }
    }

    /// <summary>Keeps the books small (as the grains do) and the index's view of shared windows current; reports progress.</summary>
    private void OnMidnight()
    {
        foreach (var calendar in _calendars.Values)
        {
            calendar.Prune(_now, _policies.Reservations);
        }

        _ledger.PruneCharges(_now - TimeSpan.FromDays(1));
        _ledger.DropJournal();
        foreach (var shelter in _shelters.Values)
        {
            shelter.State.Prune(_policies.Shelters, _now);
        }

        // A snapshot lists a private space's shared windows some days ahead only: take them afresh.
        RebuildIndexes();
        var day = (int)Math.Round((_now - _start).TotalDays);
        _progress?.Report(new SimulationProgress(day, _input.Days, Math.Round(100.0 * day / _input.Days, 1), _now, RequestsSoFar));
    }

    private static ChargingPolicy PlanningPolicy(ChargingPolicy live, string algorithm, TimeSpan budget) => new()
    {
        GracePeriod = live.GracePeriod,
        MoveNotice = live.MoveNotice,
        EarlyPlugIn = live.EarlyPlugIn,
        SolveBudget = budget,
        Period = live.Period,
        Algorithm = algorithm,
        Horizon = live.Horizon,
        MaxEnergyKwh = live.MaxEnergyKwh,
        MaxActivePerDriver = live.MaxActivePerDriver,
        ClockSkew = live.ClockSkew,
        History = live.History,
        BehindReplanEvery = live.BehindReplanEvery,
        QuietHoursFrom = live.QuietHoursFrom,
        QuietHoursUntil = live.QuietHoursUntil,
        MaxTurnsPerRequest = live.MaxTurnsPerRequest,
    };

    private abstract class Event;

    private sealed class HourTick : Event;

    private sealed class Tally
    {
        public int Requests { get; set; }

        public int Served { get; set; }

        public SortedDictionary<string, int> Refused { get; } = new(StringComparer.Ordinal);

        public void Refuse(string reason) => Refused[reason] = Refused.GetValueOrDefault(reason) + 1;

        public IReadOnlyList<ReasonCount> RefusedList() => [.. Refused.Select(r => new ReasonCount(r.Key, r.Value))];

        public int RefusedCount => Refused.Values.Sum();
    }

    private sealed class BuildingTally
    {
        public int Households { get; set; }

        public int Requests { get; set; }

        public int Served { get; set; }

        public int Refused { get; set; }

        public HashSet<string> Unserved { get; } = new(StringComparer.Ordinal);

        public int ChargingRequests { get; set; }

        public int ChargingServed { get; set; }
    }

    private BuildingTally Building(string buildingId)
    {
        if (!_buildings.TryGetValue(buildingId, out var tally))
        {
            tally = new BuildingTally();
            _buildings[buildingId] = tally;
        }

        return tally;
    }

    private static SharingPlan WeekdayPlan(DateOnly from, DateOnly until, TimeOnly start, TimeOnly end, TimeSpan offset) =>
        new([new WeeklyPattern([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], start, end)], from, until, [], [], offset);
}
