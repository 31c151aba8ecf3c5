package validate

// fargateSize is one CPU size of Fargate and the memory sizes it allows.
type fargateSize struct {
	cpu                  int // CPU units, 1024 = 1 vCPU
	minMiB, maxMiB, step int
}

// fargateSizes are Fargate's valid task sizes for Linux, smallest first.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
var fargateSizes = []fargateSize{
	{256, 512, 512, 512}, // 0.25 vCPU: 512 MiB, 1 GiB, 2 GiB (special-cased below)
	{512, 1024, 4096, 1024},
	{1024, 2048, 8192, 1024},
	{2048, 4096, 16384, 1024},
	{4096, 8192, 30720, 1024},
	{8192, 16384, 61440, 4096},
	{16384, 32768, 122880, 8192},
}

// quarterVCPUMemory lists the three memory sizes of a 0.25 vCPU task, which
// do not follow a fixed step.
var quarterVCPUMemory = []int{512, 1024, 2048}

const (
	maxFargateCPU    = 16384
	maxFargateMemory = 122880
)

// fargateTaskSize returns the smallest valid Fargate size with at least cpu
// units and memMiB MiB. ok is false when nothing is large enough.
func fargateTaskSize(cpu, memMiB int) (taskCPU, taskMemory int, ok bool) {
	for _, s := range fargateSizes {
		if s.cpu < cpu {
			continue
		}
		if s.cpu == 256 {
			for _, m := range quarterVCPUMemory {
				if m >= memMiB {
					return s.cpu, m, true
				}
			}
			continue
		}
		if memMiB > s.maxMiB {
			continue
		}
		m := s.minMiB
		for m < memMiB {
			m += s.step
		}
		return s.cpu, m, true
	}
	return 0, 0, false
}
