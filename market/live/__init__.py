"""Live job fairs (直播带岗): organisers put open jobs on air; viewers follow a Server-Sent Events stream."""
