#   reminder.tick: time for a tenant's weekly timesheet reminders
type = reminder.tick
summary = "Time for a tenant's weekly reminders: the timesheet actor sends a reminder.due to each employee with missing days in the week, then schedules the next tick for the same local time a week later (tenant profile key reminder)."
emitted-by = timesheet timesheet-demo
consumed-by = timesheet
body
    week_start
        type = string
        required = 1
        min = 10
        max = 10
        doc = "The Monday of the week to remind about, YYYY-MM-DD in the tenant's time zone."
        example = "2026-03-02"
    scheduled_ms
        type = int
        required = 1
        min = 0
        doc = "When the tick was due (the tenant's reminder time that week), Unix milliseconds: the reminders' now, so a late or redelivered tick gives the same answer."
        example = 1772809200000
    after
        type = string
        min = 1
        max = 128
        doc = "Continue after this employee id: a tenant with more employees to remind than one message may emit is done in several ticks of the same week."
        example = "E042"
