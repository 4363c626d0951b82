import Foundation
import Testing

@testable import PlumbKit

@Suite struct ISODateTests {
  /// The UTC date of an instant, by arithmetic, agrees with Foundation's Gregorian calendar.
  @Test func utcDateOfAnInstantAgreesWithTheGregorianCalendar() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    // Every day from 1899 to 2101 (leap years, century rules), at midnight and a second before.
    var instant = -2_240_524_800.0  // 1899-01-01T00:00:00Z
    while instant < 4_133_980_800 {  // 2101-01-01
      for date in [Date(timeIntervalSince1970: instant), Date(timeIntervalSince1970: instant - 1)] {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let expected = ISODate(String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
        #expect(ISODate(date) == expected)
      }
      instant += 86_400 * 7 + 3_600  // a week and an hour: every weekday and hour drift over time
    }
    #expect(ISODate(Date(timeIntervalSince1970: 0)) == ISODate("1970-01-01"))
    #expect(ISODate(Date(timeIntervalSince1970: -1)) == ISODate("1969-12-31"))
    #expect(ISODate(Date(timeIntervalSince1970: 951_782_400)) == ISODate("2000-02-29"))
  }

  @Test func dayNumberRoundTrips() {
    for dayNumber in stride(from: -800_000, through: 800_000, by: 997) {
      #expect(ISODate(dayNumber: dayNumber).dayNumber == dayNumber)
    }
    #expect(ISODate(dayNumber: 0) == ISODate("1970-01-01"))
    #expect(ISODate("2026-11-21")!.dayNumber == 20_778)
  }
}
