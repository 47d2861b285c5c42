using Parking.Domain;
using Parking.Domain.Availability;
using Parking.Domain.Credits;
using Parking.Domain.Layout;
using Parking.Domain.Reservations;
using Parking.Domain.Sharing;

namespace Parking.Planning.Simulation;

/// <summary>Car parking: spaces, owners' sharing, search, booking, check-in and out, no-shows.</summary>
internal sealed partial class SimulationRun
{
    private readonly Dictionary<string, List<(LotDefinition Lot, int Walk)>> _lotsByWalk = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LotIndex> _indexOf = new(StringComparer.Ordinal);

    private readonly Dictionary<SpaceKind, Freeing> _freeing = Enum.GetValues<SpaceKind>().ToDictionary(k => k, _ => new Freeing());

    private void SetUpSpaces()
    {
        var rules = _input.Rules;
        var share = rules.SharingOwnersShare ?? _options.DefaultSharingOwnersShare;
        var from = rules.SharingFrom ?? _options.DefaultSharingFrom;
        var until = rules.SharingUntil ?? _options.DefaultSharingUntil;
        var firstDay = DateOnly.FromDateTime(_start.ToOffset(_offset).DateTime);
        var lastDay = firstDay.AddDays(_input.Days);
        var plan = WeekdayPlan(firstDay, lastDay, from, until, _offset);
        var range = new TimeWindow(_start, _end);

        foreach (var household in _input.Layout.Households)
        {
            Building(household.BuildingId).Households++;
        }

        foreach (var lot in _input.Layout.Lots)
        {
            foreach (var space in lot.Spaces)
            {
                var calendar = new SpaceCalendar();
                calendar.Configure(space);
                _calendars[space.SpaceId] = calendar;

                // Each owner decides by a draw of their own space's stream: the same seed shares the same spaces in every scenario.
                if (space.Ownership == SpaceOwnership.Private && DemandModel.Stream(_input.Seed, StableHash(space.SpaceId), 3).NextDouble() < share)
                {
                    var published = calendar.PublishSharing(plan, _start, _policies.Sharing.WithdrawalNotice);
                    if (published.IsSuccess)
                    {
                        _sharedHoursPublished += plan.Expand(range).Sum(w => w.Duration.TotalHours);
                        foreach (var window in plan.Expand(new TimeWindow(_start, _end + DrainTime)))
                        {
                            _freeing[space.Kind].SharedFrom(window.Start);
                        }
                    }
                }

                if (space.Kind != SpaceKind.EV && (space.Ownership != SpaceOwnership.Private || calendar.Sharing is not null))
                {
                    _bookable++;
                }
            }
        }

        RebuildIndexes();
    }

    /// <summary>FNV-1a of the id: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static int StableHash(string id)
    {
        var hash = 2_166_136_261u;
        foreach (var c in id)
        {
            hash = unchecked((hash ^ c) * 16_777_619u);
        }

        return unchecked((int)hash);
    }

    /// <summary>
    /// One index per lot and kind of space, holding only the spaces others can ever book (not a private space
    /// its owner does not share): a search for a kind in a lot finds exactly what the live lot index finds, in
    /// the same order, without walking past spaces that can never be its answer.
    /// </summary>
    private void RebuildIndexes()
    {
        foreach (var lot in _input.Layout.Lots)
        {
            foreach (var kind in Enum.GetValues<SpaceKind>())
            {
                var spaces = lot.Spaces
                    .Where(s => s.Kind == kind && (s.Ownership != SpaceOwnership.Private || _calendars[s.SpaceId].Sharing is not null))
                    .ToList();
                var index = new LotIndex(lot with { Spaces = spaces });
                foreach (var space in spaces)
                {
                    index.Apply(_calendars[space.SpaceId].Snapshot(_now));
                    _indexOf[space.SpaceId] = index;
                }

                _indexes[IndexKey(lot.LotId, kind)] = index;
            }
        }
    }

    private static string IndexKey(string lotId, SpaceKind kind) => $"{lotId}/{kind}";

    private void Report(SpaceCalendar calendar)
    {
        if (_indexOf.TryGetValue(calendar.Definition!.SpaceId, out var index))
        {
            index.Apply(calendar.Snapshot(_now));
        }
    }

    private void QueueDemand()
    {
        var trace = _input.Demand.Draw(_input.Layout, _start, _input.Days, _input.Seed, _offset);
        foreach (var demand in trace.Parking)
        {
            var bookAt = demand.Arrival - demand.BookAhead;
            Queue(bookAt < _start ? _start : bookAt, new Book(demand, 0));
        }

        foreach (var demand in trace.Charging)
        {
            Queue(demand.Arrival, new ChargingArrival(demand));
        }

        foreach (var demand in trace.Ebikes)
        {
            Queue(demand.Arrival, new EbikeArrival(demand));
        }
    }

    private void OnBook(Book book)
    {
        var demand = book.Demand;
        var policy = _policies.Reservations;
        if (book.Attempt == 0)
        {
            _parking.Requests++;
            if (demand.IsVisitor)
            {
                _visitorRequests++;
            }
            else
            {
                var household = _households.GetValueOrDefault(demand.HouseholdId);
                _households[demand.HouseholdId] = (household.Requests + 1, household.Served);
                Building(demand.BuildingId).Requests++;
            }
        }

        var start = demand.Arrival + (_options.RetryEvery * book.Attempt);
        var stay = demand.Stay > policy.MaximumLength ? policy.MaximumLength : demand.Stay;
        var window = new TimeWindow(start, start + stay);
        if (policy.Validate(window, _now) is { } invalid)
        {
            Refuse(demand, invalid.Code);
            return;
        }

        if (Booking.CheckLimit(_activeByResident.GetValueOrDefault(demand.ResidentId), policy) is { } limit)
        {
            Refuse(demand, limit.Code);
            return;
        }

        if (demand.IsVisitor && _policies.Visitors.Check(_visitorPasses.GetValueOrDefault(demand.HouseholdId) ?? [], window, _offset) is { } quota)
        {
            Refuse(demand, quota.Code);
            return;
        }

        var kind = demand.IsVisitor ? SpaceKind.Visitor : SpaceKind.Standard;
        var skip = book.Previous is { } previous && !_freeing[kind].AnyFree(previous.Start, start, previous.At, _now, window, _indexOf);
        var hits = skip
            ? []
            : Search(new AvailabilityQuery(window, kind, demand.BuildingId, _options.SearchLimit));
        string? lastRefusal = null;
        foreach (var hit in hits)
        {
            var calendar = _calendars[hit.SpaceId];
            var command = new ReserveCommand(demand.ResidentId, window, null, null, demand.IsVisitor ? null : demand.HouseholdId);
            var booked = Booking.Book(calendar, command, demand.HouseholdId, policy, _policies.Credits, _now, NextGuid(), payment =>
                _ledger.Charge(payment.ReservationId, payment.Payer, payment.Payee, payment.Amount, payment.Window, _policies.Credits.Grant, _now).Error);
            if (booked.Value is not { } made)
            {
                lastRefusal = booked.Error!.Code;
                continue;
            }

            var reservation = made.Reservation;
            var space = calendar.Definition!;
            if (made.Payment is { } paid)
            {
                if (paid.Payee == Accounts.Compound)
                {
                    _compoundIncome += paid.Amount;
                }
                else
                {
                    _ownersEarnings += paid.Amount;
                    _earningOwners.Add(paid.Payee);
                }
            }

            _freeing[space.Kind].Holds(reservation.Window.End, space.SpaceId);
            Report(calendar);
            Served(demand, reservation, space);
            return;
        }

        if (lastRefusal == "insufficient-credits")
        {
            // Free spaces were found and the household cannot pay for them: waiting will not help.
            Refuse(demand, lastRefusal);
            return;
        }

        if (start + _options.RetryEvery - demand.Arrival <= _options.MaxWait)
        {
            Queue(_now + _options.RetryEvery, new Book(demand, book.Attempt + 1) { Previous = (_now, start) });
            return;
        }

        Refuse(demand, demand.IsVisitor ? "no-visitor-space" : "no-space");
    }

    /// <summary>The live search: lots nearest the building first, every lot's free spaces nearest first, the nearest <c>Limit</c> of all.</summary>
    private List<AvailableSpace> Search(AvailabilityQuery query)
    {
        var hits = new List<AvailableSpace>();
        foreach (var (lot, walk) in LotsByWalk(query.NearBuildingId!))
        {
            if (hits.Count >= query.Limit && walk >= hits[query.Limit - 1].WalkMeters)
            {
                break;
            }

            hits.AddRange(_indexes[IndexKey(lot.LotId, query.Kind!.Value)].Search(query));
            hits = [.. hits.OrderBy(h => h.WalkMeters).ThenBy(h => h.SpaceId, StringComparer.Ordinal)];
        }

        return hits.Count > query.Limit ? hits[..query.Limit] : hits;
    }

    /// <summary>The lots nearest a building first (ties in layout order, as the live search's stable sort).</summary>
    private List<(LotDefinition Lot, int Walk)> LotsByWalk(string buildingId)
    {
        if (!_lotsByWalk.TryGetValue(buildingId, out var lots))
        {
            lots = [.. _input.Layout.Lots.Select(l => (Lot: l, Walk: l.WalkMetersTo(buildingId))).OrderBy(l => l.Walk)];
            _lotsByWalk[buildingId] = lots;
        }

        return lots;
    }

    private void Served(ParkingDemand demand, Reservation reservation, SpaceDefinition space)
    {
        _parking.Served++;
        _spaceWaits.Add((reservation.Window.Start - demand.Arrival).TotalMinutes);
        _activeByResident[demand.ResidentId] = _activeByResident.GetValueOrDefault(demand.ResidentId) + 1;
        if (demand.IsVisitor)
        {
            _visitorsServed++;
            if (!_visitorPasses.TryGetValue(demand.HouseholdId, out var passes))
            {
                passes = [];
                _visitorPasses[demand.HouseholdId] = passes;
            }

            passes.Add(reservation.Window);
        }
        else
        {
            var household = _households[demand.HouseholdId];
            _households[demand.HouseholdId] = (household.Requests, household.Served + 1);
            Building(demand.BuildingId).Served++;
        }

        if (space.Ownership == SpaceOwnership.Private)
        {
            _sharedHoursBooked += reservation.Window.Duration.TotalHours;
        }

        if (demand.NoShow)
        {
            Queue(reservation.Window.Start + _policies.Reservations.GracePeriod, new NoShowDue(reservation.SpaceId, demand.ResidentId));
        }
        else
        {
            Queue(reservation.Window.Start, new CheckIn(reservation.SpaceId, reservation.Id, demand.ResidentId));
            Queue(reservation.Window.End, new CheckOut(reservation.SpaceId, reservation.Id, demand.ResidentId));
        }
    }

    private void Refuse(ParkingDemand demand, string reason)
    {
        _parking.Refuse(reason);
        if (!demand.IsVisitor)
        {
            var building = Building(demand.BuildingId);
            building.Refused++;
            building.Unserved.Add(demand.ResidentId);
            _unservedResidents.Add(demand.ResidentId);
        }
    }

    private void OnCheckIn(CheckIn e)
    {
        var calendar = _calendars[e.SpaceId];
        if (calendar.CheckIn(e.ReservationId, new Actor(e.ResidentId, false), _now, _policies.Reservations).IsSuccess)
        {
            _occupied++;
            Report(calendar);
        }
    }

    private void OnCheckOut(CheckOut e)
    {
        var calendar = _calendars[e.SpaceId];
        if (calendar.CheckOut(e.ReservationId, new Actor(e.ResidentId, false), _now).IsSuccess)
        {
            _occupied--;
            Report(calendar);
        }

        Release(e.ResidentId);
    }

    private void OnNoShow(NoShowDue e)
    {
        var calendar = _calendars[e.SpaceId];
        var released = calendar.ReleaseNoShows(_now, _policies.Reservations);
        _noShows += released.Count;
        foreach (var reservation in released)
        {
            _freeing[calendar.Definition!.Kind].Released(_now, reservation.SpaceId);
        }
        foreach (var reservation in released)
        {
            Release(reservation.ResidentId);
        }

        if (released.Count > 0)
        {
            Report(calendar);
        }
    }

    private void Release(string residentId)
    {
        var active = _activeByResident.GetValueOrDefault(residentId);
        if (active <= 1)
        {
            _activeByResident.Remove(residentId);
        }
        else
        {
            _activeByResident[residentId] = active - 1;
        }
    }

    private sealed class Book(ParkingDemand demand, int attempt) : Event
    {
        public ParkingDemand Demand => demand;

        public int Attempt => attempt;

        /// <summary>When the previous attempt was made, with the window start it tried; null for the first attempt.</summary>
        public (DateTimeOffset At, DateTimeOffset Start)? Previous { get; init; }
    }

    private sealed class CheckIn(string spaceId, string reservationId, string residentId) : Event
    {
        public string SpaceId => spaceId;

        public string ReservationId => reservationId;

        public string ResidentId => residentId;
    }

    private sealed class CheckOut(string spaceId, string reservationId, string residentId) : Event
    {
        public string SpaceId => spaceId;

        public string ReservationId => reservationId;

        public string ResidentId => residentId;
    }

    private sealed class NoShowDue(string spaceId, string residentId) : Event
    {
        public string SpaceId => spaceId;

        public string ResidentId => residentId;
    }
}
