import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compilePattern, matches, UnsupportedPatternError } from '../../../local/bus/matcher.ts';

/**
 * Each case is one documented example (the AWS EventBridge user guide, or the
 * aws/event-ruler README the service is built on) with events that must and must
 * not match. Every event becomes its own test row.
 */
interface Case {
  name: string;
  pattern: unknown;
  match: unknown[];
  noMatch: unknown[];
}

function rows(cases: Case[]) {
  return cases.flatMap((c) => [
    ...c.match.map((event, i) => ({ name: `${c.name} — matches #${i + 1}`, pattern: c.pattern, event, expected: true })),
    ...c.noMatch.map((event, i) => ({ name: `${c.name} — rejects #${i + 1}`, pattern: c.pattern, event, expected: false })),
  ]);
}

function runCases(cases: Case[]) {
  it.each(rows(cases))('$name', ({ pattern, event, expected }) => {
    expect(matches(pattern, event)).toBe(expected);
  });
}

// "Event patterns" doc: the sample EC2 event.
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const withDetail = (detail: unknown) => ({ ...ec2Event, detail });

// "Matching null values and empty strings" doc: the sample Auto Scaling event.
const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

describe('exact values', () => {
  runCases([
    {
      // Doc: {"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["terminated"]}}
      name: 'EC2 termination pattern (AND across fields, nested detail)',
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      match: [ec2Event],
      noMatch: [
        withDetail({ state: 'running' }),
        { ...ec2Event, source: 'aws.s3' },
        { ...ec2Event, source: 'AWS.EC2' }, // exact matching is case-sensitive
        { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }, // no detail at all
      ],
    },
    {
      // Doc: {"source":["aws.ec2","aws.fargate"]} — values in a leaf array are alternatives (OR)
      name: 'several values for one field',
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      match: [{ source: 'aws.ec2' }, { source: 'aws.fargate' }],
      noMatch: [{ source: 'aws.lambda' }, {}],
    },
    {
      // Doc (null values): {"detail":{"eventVersion":[""]}}
      name: 'empty string',
      pattern: { detail: { eventVersion: [''] } },
      match: [autoscalingEvent],
      noMatch: [{ detail: { eventVersion: null } }, { detail: {} }],
    },
    {
      // Doc (null values): {"detail":{"responseElements":[null]}} — null and "" are not interchangeable
      name: 'null',
      pattern: { detail: { responseElements: [null] } },
      match: [autoscalingEvent],
      noMatch: [{ detail: { responseElements: '' } }, { detail: {} }, { detail: { responseElements: 'null' } }],
    },
    {
      // Doc (arrays): a pattern array matches an event array when their intersection is non-empty
      name: 'event arrays',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      match: [
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
        { resources: 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f' },
      ],
      noMatch: [{ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, { resources: [] }],
    },
    {
      // Numbers match by value and type: 5 matches 5.0 but never the string "5"
      name: 'numbers',
      pattern: { detail: { count: [5, 301.8] } },
      match: [{ detail: { count: 5 } }, { detail: { count: 5.0 } }, { detail: { count: 3.018e2 } }, { detail: { count: [1, 5] } }],
      noMatch: [{ detail: { count: '5' } }, { detail: { count: 6 } }],
    },
    {
      name: 'booleans',
      pattern: { detail: { enabled: [true] } },
      match: [{ detail: { enabled: true } }, { detail: { enabled: [false, true] } }],
      noMatch: [{ detail: { enabled: false } }, { detail: { enabled: 'true' } }, { detail: { enabled: 1 } }],
    },
    {
      // event-ruler README: arrays of objects are "crushed out" — {"employees":{"firstName":["Anna"]}}
      name: 'array of objects',
      pattern: { employees: { firstName: ['Anna'] } },
      match: [
        { employees: [{ firstName: 'John' }, { firstName: 'Anna', lastName: 'Smith' }] },
        { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] }, // multi-level
      ],
      noMatch: [{ employees: [{ firstName: 'John' }] }, { employees: { firstName: 'anna' } }],
    },
    {
      // event-ruler README: fields from different elements of one array never combine
      name: 'array consistency',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      match: [{ employees: [{ firstName: 'Anna', lastName: 'Jones' }, { firstName: 'John', lastName: 'Doe' }] }],
      noMatch: [{ employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] }],
    },
    {
      // An object pattern never matches a leaf value, and a leaf pattern never matches an object
      name: 'structure mismatch',
      pattern: { detail: { state: ['running'] } },
      match: [{ detail: { state: 'running' } }],
      noMatch: [{ detail: 'running' }, { detail: { state: { name: 'running' } } }, { detail: null }],
    },
    {
      // An IP literal matches other spellings of the same address (as EventBridge's IP-aware exact match does)
      name: 'IP literal',
      pattern: { detail: { ip: ['2001:db8::1'] } },
      match: [{ detail: { ip: '2001:DB8:0:0:0:0:0:1' } }, { detail: { ip: '2001:db8::1' } }],
      noMatch: [{ detail: { ip: '2001:db8::2' } }],
    },
    {
      // Inherited properties are not fields of an event
      name: 'own properties only',
      pattern: { constructor: [{ exists: true }] },
      match: [{ constructor: 'x' }],
      noMatch: [{}],
    },
  ]);
});

describe('prefix', () => {
  runCases([
    {
      // Doc: {"time":[{"prefix":"2017-10-02"}]} matches "time":"2017-10-02T18:43:48Z"
      name: 'prefix',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      match: [{ time: '2017-10-02T18:43:48Z' }, { time: ['2017-10-01', '2017-10-02T00:00:00Z'] }],
      noMatch: [{ time: '2017-10-03T18:43:48Z' }, { time: '2017-10-0' }, { time: 20171002 }, {}],
    },
    {
      // Doc (older content-filtering page): {"source":["aws.autoscaling"],"region":[{"prefix":"eu-"}]}
      name: 'prefix with exact',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      match: [{ source: 'aws.autoscaling', region: 'eu-west-1' }],
      noMatch: [{ source: 'aws.autoscaling', region: 'us-east-1' }, { source: 'aws.ec2', region: 'eu-west-1' }],
    },
    {
      // Doc: {"detail":{"service":[{"prefix":{"equals-ignore-case":"EventB"}}]}} matches EventB…, EVENTB…, eventb…
      name: 'prefix equals-ignore-case',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      match: [{ detail: { service: 'EventBridge' } }, { detail: { service: 'EVENTBRIDGE' } }, { detail: { service: 'eventbus' } }],
      noMatch: [{ detail: { service: 'Lambda' } }, { detail: { service: 'Event' } }],
    },
  ]);
});

describe('suffix', () => {
  runCases([
    {
      // Doc: {"FileName":[{"suffix":".png"}]}
      name: 'suffix',
      pattern: { FileName: [{ suffix: '.png' }] },
      match: [{ FileName: 'image.png' }, { FileName: '.png' }],
      noMatch: [{ FileName: 'image.PNG' }, { FileName: 'image.png.bak' }, {}],
    },
    {
      // Doc: {"detail":{"FileName":[{"suffix":{"equals-ignore-case":".png"}}]}} matches .png and .PNG
      name: 'suffix equals-ignore-case',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      match: [{ detail: { FileName: 'a.png' } }, { detail: { FileName: 'A.PNG' } }, { detail: { FileName: 'b.PnG' } }],
      noMatch: [{ detail: { FileName: 'a.jpg' } }],
    },
  ]);
});

describe('equals-ignore-case', () => {
  runCases([
    {
      // Doc: {"detail-type":[{"equals-ignore-case":"ec2 instance state-change notification"}]}
      name: 'equals-ignore-case',
      pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
      match: [ec2Event, { 'detail-type': 'EC2 INSTANCE STATE-CHANGE NOTIFICATION' }],
      noMatch: [{ 'detail-type': 'EC2 Instance Launch Successful' }, { 'detail-type': 'ec2 instance state-change notification!' }],
    },
    {
      // Doc operators table: "Name": [{"equals-ignore-case": "alice"}]
      name: 'equals-ignore-case on non-strings',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      match: [{ Name: 'Alice' }],
      noMatch: [{ Name: 42 }, { Name: null }, {}],
    },
  ]);
});

describe('anything-but', () => {
  runCases([
    {
      // Doc: {"detail":{"state":[{"anything-but":"initializing"}]}}
      name: 'single string',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      match: [
        withDetail({ state: 'running' }),
        withDetail({ state: 'Initializing' }),
        withDetail({ state: 5 }), // values of another type are "anything but" the string
        withDetail({ state: ['initializing', 'running'] }), // any element may satisfy it
      ],
      noMatch: [withDetail({ state: 'initializing' }), withDetail({}), withDetail({ state: [] })], // missing ⇒ no match
    },
    {
      // Doc: {"detail":{"x-limit":[{"anything-but":123}]}}
      name: 'single number',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      match: [{ detail: { 'x-limit': 124 } }, { detail: { 'x-limit': '123' } }],
      noMatch: [{ detail: { 'x-limit': 123 } }, { detail: { 'x-limit': 123.0 } }, { detail: {} }],
    },
    {
      // Doc: {"detail":{"state":[{"anything-but":["stopped","overloaded"]}]}}
      name: 'list of strings',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      match: [withDetail({ state: 'running' })],
      noMatch: [withDetail({ state: 'stopped' }), withDetail({ state: 'overloaded' })],
    },
    {
      // Doc: {"detail":{"x-limit":[{"anything-but":[100,200,300]}]}}
      name: 'list of numbers',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      match: [{ detail: { 'x-limit': 150 } }, { detail: { 'x-limit': 301.8 } }],
      noMatch: [{ detail: { 'x-limit': 200 } }, { detail: { 'x-limit': 300 } }],
    },
    {
      // Doc: {"detail":{"state":[{"anything-but":{"prefix":"init"}}]}}
      name: 'prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      match: [withDetail({ state: 'running' }), withDetail({ state: 'INITIALIZING' })],
      noMatch: [withDetail({ state: 'initializing' }), withDetail({ state: 'init' }), withDetail({})],
    },
    {
      // Doc operators table: "Region": [{"anything-but": {"prefix": "us-"}}] — "Region is not in the US"
      name: 'prefix (region)',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      match: [{ Region: 'eu-west-1' }],
      noMatch: [{ Region: 'us-east-1' }],
    },
    {
      // event-ruler (EventBridge's engine) also accepts a list of prefixes
      name: 'prefix list',
      pattern: { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] },
      match: [{ Region: 'ap-south-1' }],
      noMatch: [{ Region: 'eu-west-1' }, { Region: 'us-east-1' }],
    },
    {
      // Doc: {"detail":{"FileName":[{"anything-but":{"suffix":".txt"}}]}}
      name: 'suffix',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } },
      match: [{ detail: { FileName: 'photo.png' } }, { detail: { FileName: 'notes.TXT' } }],
      noMatch: [{ detail: { FileName: 'notes.txt' } }, { detail: {} }],
    },
    {
      // Doc: {"detail":{"state":[{"anything-but":{"equals-ignore-case":["Stopped","OverLoaded"]}}]}}
      name: 'equals-ignore-case list',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] } },
      match: [withDetail({ state: 'running' })],
      noMatch: [withDetail({ state: 'STOPPED' }), withDetail({ state: 'overloaded' })],
    },
    {
      // Doc operators table: "state": [{"anything-but": {"equals-ignore-case": "initializing"}}]
      name: 'equals-ignore-case single',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      match: [{ state: 'running' }],
      noMatch: [{ state: 'INITIALIZING' }, { state: 'initializing' }],
    },
    {
      // Doc: {"detail":{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}}
      name: 'wildcard',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      match: [{ detail: { FilePath: '/usr/bin/env' } }, { detail: { FilePath: '/usr/library' } }],
      noMatch: [{ detail: { FilePath: '/usr/lib/libc.so' } }, { detail: {} }],
    },
    {
      // Doc: {"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}
      name: 'wildcard list',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
      match: [{ detail: { FilePath: '/etc/hosts' } }],
      noMatch: [{ detail: { FilePath: '/usr/lib/x' } }, { detail: { FilePath: '/usr/bin/x' } }],
    },
  ]);
});

describe('numeric', () => {
  runCases([
    {
      // Doc: {"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],"x-limit":[{"numeric":["=",3.018e2]}]}}
      name: 'documented range, upper bound and equality',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      match: [
        { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } },
        { detail: { 'c-count': 0.5, 'd-count': -1, 'x-limit': 301.8 } },
      ],
      noMatch: [
        { detail: { 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 } }, // > 0 is exclusive
        { detail: { 'c-count': 5.1, 'd-count': 3, 'x-limit': 301.8 } },
        { detail: { 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 } }, // < 10 is exclusive
        { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': '301.8' } }, // only JSON numbers
        { detail: { 'c-count': 5, 'd-count': 3 } },
      ],
    },
    {
      name: '>= and <= bounds are inclusive',
      pattern: { detail: { n: [{ numeric: ['>=', 10, '<', 20] }], m: [{ numeric: ['<=', 1] }] } },
      match: [{ detail: { n: 10, m: 1 } }, { detail: { n: 19.999, m: -5 } }],
      noMatch: [{ detail: { n: 20, m: 1 } }, { detail: { n: 9.99, m: 1 } }, { detail: { n: 15, m: 1.5 } }],
    },
    {
      // Event arrays: one element must satisfy the whole range
      name: 'range against an array',
      pattern: { detail: { n: [{ numeric: ['>', 0, '<', 10] }] } },
      match: [{ detail: { n: [-5, 5, 50] } }],
      noMatch: [{ detail: { n: [-5, 50] } }],
    },
  ]);
});

describe('exists', () => {
  runCases([
    {
      // Doc: {"detail":{"state":[{"exists":true}]}} matches the pending-state event
      name: 'exists true',
      pattern: { detail: { state: [{ exists: true }] } },
      match: [
        {
          version: '0',
          id: '7bf73129-1428-4cd3-a780-95db273d1602',
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          account: '123456789012',
          time: '2015-11-11T21:29:54Z',
          region: 'us-east-1',
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
          detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
        },
        { detail: { state: null } }, // null is a value
        { detail: { state: '' } },
      ],
      noMatch: [
        // Doc: does NOT match an event without detail.state
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
          detail: { 'c-count': { c1: 100 } },
        },
        { detail: { state: { name: 'pending' } } }, // exists only works on leaf nodes
        { detail: { state: [] } },
      ],
    },
    {
      // Doc: {"detail":{"c-count":[{"exists":false}]}}
      name: 'exists false',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      match: [
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
          detail: { state: ['initializing', 'running'] },
        },
        // Doc: also matches when c-count is an object, because c-count is then not a leaf node
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
          detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
        },
        { source: 'aws.ec2' }, // no detail at all: the field is absent too
      ],
      noMatch: [{ detail: { 'c-count': 5 } }, { detail: { 'c-count': null } }, { detail: { 'c-count': [0] } }],
    },
    {
      // Under an array of objects the pattern is matched element by element (array consistency)
      name: 'exists false in an array of objects',
      pattern: { items: { sku: [{ exists: false }] } },
      match: [{ items: [{ sku: 1 }, { name: 'gift card' }] }, { items: [] }],
      noMatch: [{ items: [{ sku: 1 }, { sku: 2 }] }],
    },
    {
      // exists is one alternative among the others in the leaf array
      name: 'exists false OR a value',
      pattern: { detail: { 'c-count': [{ exists: false }, 0] } },
      match: [{ detail: {} }, { detail: { 'c-count': 0 } }],
      noMatch: [{ detail: { 'c-count': 1 } }],
    },
  ]);
});

describe('cidr', () => {
  runCases([
    {
      // Doc: {"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/24"}]}} — 10.0.0.0 to 10.0.0.255
      name: 'IPv4',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      match: [{ detail: { sourceIPAddress: '10.0.0.0' } }, { detail: { sourceIPAddress: '10.0.0.255' } }],
      noMatch: [
        { detail: { sourceIPAddress: '10.0.1.1' } },
        { detail: { sourceIPAddress: '10.0.0.256' } },
        { detail: { sourceIPAddress: 'not-an-ip' } },
        { detail: { sourceIPAddress: '::ffff:10.0.0.1' } }, // an IPv6 address is not in an IPv4 block
      ],
    },
    {
      // Doc: "You can use IP address matching for IPv4 and IPv6 addresses"
      name: 'IPv6',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } },
      match: [
        { detail: { sourceIPAddress: '2001:db8::1' } },
        { detail: { sourceIPAddress: '2001:DB8:ffff:0:0:0:0:1' } },
        { detail: { sourceIPAddress: '2001:db8::10.0.0.1' } },
      ],
      noMatch: [{ detail: { sourceIPAddress: '2001:db9::1' } }, { detail: { sourceIPAddress: '10.0.0.1' } }],
    },
    {
      name: 'host bits in the block and /0',
      pattern: { ip: [{ cidr: '192.168.1.77/16' }, { cidr: '::/0' }] },
      match: [{ ip: '192.168.200.1' }, { ip: '::1' }],
      noMatch: [{ ip: '192.169.0.1' }, { ip: 3232235777 }],
    },
  ]);
});

describe('wildcard', () => {
  runCases([
    {
      // Doc: {"EventBusArn":[{"wildcard":"arn:aws:events:us-east-1:*:event-bus/*"}]}
      name: 'ARN with two wildcards',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      match: [
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
        { EventBusArn: 'arn:aws:events:us-east-1::event-bus/' }, // * also matches nothing
      ],
      noMatch: [{ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }],
    },
    {
      // AWS blog: "*.png" matches strings ending with .png; "*Title*" matches Title in the middle
      name: 'leading and surrounding wildcards',
      pattern: { key: [{ wildcard: '*.png' }, { wildcard: '*Title*' }] },
      match: [{ key: 'dir/a.png' }, { key: 'MyTitleHere' }, { key: 'Title' }],
      noMatch: [{ key: 'a.png.bak' }, { key: 'title' }],
    },
    {
      // event-ruler README: {"source":[{"wildcard":"Simple*Service"}]}
      name: 'inner wildcard',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      match: [{ source: 'SimpleQueueService' }, { source: 'SimpleService' }],
      noMatch: [{ source: 'SimpleQueue' }, { source: 'simpleQueueService' }, { source: 42 }],
    },
    {
      // Repeated pieces: the matcher must not give up after the first candidate position
      name: 'repeated segments',
      pattern: { key: [{ wildcard: '*ab*ab' }] },
      match: [{ key: 'abab' }, { key: 'xxabyyabab' }],
      noMatch: [{ key: 'ab' }, { key: 'aba' }],
    },
    {
      // Escapes: \* is a literal asterisk, \\ a literal backslash
      name: 'escaped asterisk and backslash',
      pattern: { key: [{ wildcard: 'a\\*b' }, { wildcard: 'c\\\\*' }] },
      match: [{ key: 'a*b' }, { key: 'c\\' }, { key: 'c\\anything' }],
      noMatch: [{ key: 'axb' }, { key: 'ab' }, { key: 'c' }],
    },
    {
      name: 'lone star matches any string but nothing else',
      pattern: { key: [{ wildcard: '*' }] },
      match: [{ key: '' }, { key: 'anything' }],
      noMatch: [{ key: 1 }, { key: null }, {}],
    },
  ]);
});

describe('$or', () => {
  runCases([
    {
      // Doc: {"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},{"x-limit":[{"numeric":["=",3.018e2]}]}]}}
      name: 'documented $or inside detail',
      pattern: {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
            { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
          ],
        },
      },
      match: [{ detail: { 'c-count': 3 } }, { detail: { 'd-count': 9 } }, { detail: { 'x-limit': 301.8 } }],
      noMatch: [{ detail: { 'c-count': 0, 'd-count': 10, 'x-limit': 300 } }, { detail: {} }],
    },
    {
      // event-ruler README, top level: "source" && ("metricName" || "namespace")
      name: 'top-level $or',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      match: [
        { source: 'aws.cloudwatch', metricName: 'CPUUtilization' },
        { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
      ],
      noMatch: [{ source: 'aws.cloudwatch', metricName: 'Other' }, { source: 'aws.ec2', metricName: 'ReadLatency' }],
    },
    {
      // event-ruler README, parallel Or: ("metricName" || "namespace") && ("detail.source" || "detail.detail-type")
      name: 'parallel $or',
      pattern: {
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      match: [{ namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }],
      noMatch: [{ namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } }, { detail: { source: 'aws.cloudwatch' } }],
    },
    {
      // event-ruler README, nested: "source" && ("metricName" || ("metricType" && "namespace" && ("metricId" || "spaceId")) || "scope")
      name: 'nested $or and AND',
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      match: [
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 },
        { source: 'aws.cloudwatch', scope: 'Service' },
      ],
      noMatch: [
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' },
        { source: 'aws.cloudwatch', metricType: 'MetricType', metricId: 1234 },
      ],
    },
  ]);
});

describe('refusals', () => {
  // Each of these is rejected by EventBridge (PutRule: InvalidEventPatternException) or not implemented here.
  const refused: Array<[string, unknown, RegExp]> = [
    ['unknown operator', { detail: { x: [{ foo: 1 }] } }, /^unsupported operator "foo" at detail\.x$/],
    ['undocumented "equals" operator', { x: [{ equals: 'a' }] }, /unsupported operator "equals" at x/],
    ['leaf that is a string', { detail: { x: 'a' } }, /must be an array.* at detail\.x/],
    ['leaf that is a number', { source: 5 }, /must be an array.* at source/],
    ['leaf that is null', { source: null }, /must be an array.* at source/],
    ['leaf that is a boolean', { source: true }, /must be an array.* at source/],
    ['empty leaf array', { source: [] }, /empty arrays are not allowed at source/],
    ['empty nested object', { detail: {} }, /empty objects are not allowed at detail/],
    ['empty pattern', {}, /empty objects/],
    ['pattern that is an array', [{ source: ['a'] }], /must be a JSON object/],
    ['pattern that is null', null, /must be a JSON object/],
    ['pattern that is invalid JSON', '{"source": [', /not valid JSON/],
    ['nested array value', { source: [['a']] }, /match values must be.* at source/],
    ['NaN value', { n: [Number.NaN] }, /finite/],
    ['empty match expression', { x: [{}] }, /empty match expression at x/],
    ['two operators in one expression', { x: [{ prefix: 'a', suffix: 'b' }] }, /exactly one operator.*"prefix", "suffix".* at x/],
    ['prefix with a number', { x: [{ prefix: 1 }] }, /"prefix" must be a string/],
    ['prefix with an unknown inner operator', { x: [{ prefix: { foo: 'a' } }] }, /unsupported operator "foo" inside "prefix" at x/],
    ['suffix with a list', { x: [{ suffix: ['a'] }] }, /"suffix" must be a string/],
    ['equals-ignore-case with a number', { x: [{ 'equals-ignore-case': 1 }] }, /"equals-ignore-case" must be a string/],
    ['anything-but null', { x: [{ 'anything-but': null }] }, /"anything-but" must be/],
    ['anything-but boolean', { x: [{ 'anything-but': true }] }, /"anything-but" must be/],
    ['anything-but empty list', { x: [{ 'anything-but': [] }] }, /only strings or only numbers/],
    ['anything-but mixed list', { x: [{ 'anything-but': ['a', 1] }] }, /only strings or only numbers/],
    ['anything-but list with null', { x: [{ 'anything-but': [null] }] }, /only strings or only numbers/],
    ['anything-but unknown operator', { x: [{ 'anything-but': { foo: 'a' } }] }, /unsupported operator "foo" inside "anything-but" at x/],
    ['anything-but numeric', { x: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unsupported operator "numeric" inside "anything-but"/],
    ['anything-but inherited name', { x: [{ 'anything-but': { toString: 'a' } }] }, /unsupported operator "toString" inside "anything-but"/],
    ['anything-but two operators', { x: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, /exactly one of/],
    ['anything-but empty prefix', { x: [{ 'anything-but': { prefix: '' } }] }, /must not be empty/],
    ['anything-but prefix number', { x: [{ 'anything-but': { prefix: 1 } }] }, /"anything-but.prefix" must be a string/],
    ['anything-but bad wildcard', { x: [{ 'anything-but': { wildcard: 'a**' } }] }, /consecutive wildcard/],
    ['numeric not an array', { x: [{ numeric: 5 }] }, /"numeric" must be a non-empty array/],
    ['numeric empty', { x: [{ numeric: [] }] }, /"numeric" must be a non-empty array/],
    ['numeric string operand', { x: [{ numeric: ['=', '5'] }] }, /not a number/],
    ['numeric unknown comparison', { x: [{ numeric: ['!=', 5] }] }, /unknown comparison/],
    ['numeric two lower bounds', { x: [{ numeric: ['>', 5, '>', 6] }] }, /a range is/],
    ['numeric upper bound first', { x: [{ numeric: ['<', 5, '>', 1] }] }, /only \(or the second\)/],
    ['numeric empty range', { x: [{ numeric: ['>', 5, '<', 5] }] }, /lower bound must be less/],
    ['numeric too many terms', { x: [{ numeric: ['>', 0, '<=', 5, '<', 6] }] }, /too many terms/],
    ['numeric = with more', { x: [{ numeric: ['=', 1, '<', 3] }] }, /"=" takes exactly one number/],
    ['numeric out of range', { x: [{ numeric: ['<', 1e10] }] }, /outside the supported range/],
    ['exists with a string', { x: [{ exists: 'true' }] }, /"exists" must be true or false/],
    ['cidr without a prefix length', { x: [{ cidr: '10.0.0.0' }] }, /"cidr" must be/],
    ['cidr prefix too long', { x: [{ cidr: '10.0.0.0/33' }] }, /"cidr" must be/],
    ['cidr bad address', { x: [{ cidr: '300.0.0.0/8' }] }, /"cidr" must be/],
    ['cidr IPv6 prefix too long', { x: [{ cidr: '2001:db8::/129' }] }, /"cidr" must be/],
    ['cidr not a string', { x: [{ cidr: 5 }] }, /"cidr" must be a string/],
    ['wildcard with consecutive stars', { x: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters/],
    ['wildcard with a bad escape', { x: [{ wildcard: 'a\\b' }] }, /invalid escape/],
    ['wildcard with a trailing backslash', { x: [{ wildcard: 'a\\' }] }, /invalid escape/],
    ['wildcard not a string', { x: [{ wildcard: ['a*'] }] }, /"wildcard" must be a string/],
    ['$or that is an object', { $or: { a: ['x'] } }, /\$or must be an array of objects at \$or/],
    ['$or with one object', { detail: { $or: [{ a: ['x'] }] } }, /at least 2 objects at detail\.\$or/],
    ['$or with a non-object', { $or: [{ a: ['x'] }, ['b']] }, /only objects are allowed in \$or.* at \$or\[1\]/],
    ['$or with an empty object', { $or: [{ a: ['x'] }, {}] }, /empty objects are not allowed at \$or\[1\]/],
    ['operator name as a field inside $or', { $or: [{ prefix: ['a'] }, { b: ['c'] }] }, /"prefix" is an operator.* at \$or\[0\]\.prefix/],
    ['bad operator deep inside $or', { $or: [{ a: [{ foo: 1 }] }, { b: ['c'] }] }, /unsupported operator "foo" at \$or\[0\]\.a/],
  ];

  it.each(refused)('refuses %s', (_name, pattern, message) => {
    let error: unknown;
    try {
      compilePattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedPatternError);
    expect((error as Error).message).toMatch(message);
  });

  it('reports the JSON path on the error', () => {
    expect(() => compilePattern({ detail: { x: [{ foo: 1 }] } })).toThrowError(
      expect.objectContaining({ name: 'UnsupportedPatternError', path: 'detail.x' }),
    );
  });

  it('refuses $or combinations beyond the 1000 EventBridge allows, accepts exactly 1000', () => {
    const alternatives = (n: number, field: string) => Array.from({ length: n }, (_, i) => ({ [field]: [i] }));
    const tenCubed = {
      a: { $or: alternatives(10, 'x') },
      b: { $or: alternatives(10, 'y') },
      c: { $or: alternatives(10, 'z') },
    };
    expect(() => compilePattern(tenCubed)).not.toThrow();
    expect(() => compilePattern({ ...tenCubed, d: { $or: alternatives(2, 'w') } })).toThrowError(
      /2000 rule combinations, more than the 1000/,
    );
  });
});

describe('API', () => {
  it('accepts the pattern as a JSON string, as PutRule does', () => {
    const isEc2 = compilePattern('{"source":["aws.ec2"],"detail":{"state":[{"anything-but":"running"}]}}');
    expect(isEc2(ec2Event)).toBe(true);
    expect(isEc2(withDetail({ state: 'running' }))).toBe(false);
  });

  it('reuses one compiled predicate across events', () => {
    const predicate = compilePattern({ detail: { n: [{ numeric: ['>', 1] }] } });
    expect([0, 1, 2, 3].map((n) => predicate({ detail: { n } }))).toEqual([false, false, true, true]);
  });

  it('uses the last duplicate key of a JSON pattern, as the docs describe', () => {
    // Doc: "if you include a key more than once the last reference will be the one used"
    const predicate = compilePattern('{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}');
    expect(predicate({ detail: { location: 'eu-west' } })).toBe(true);
    expect(predicate({ detail: { location: 'us-east' } })).toBe(false);
  });

  it('does not match non-object events', () => {
    expect(matches({ source: ['a'] }, 'a')).toBe(false);
    expect(matches({ source: ['a'] }, null)).toBe(false);
    expect(matches({ source: ['a'] }, undefined)).toBe(false);
  });
});

describe('properties', () => {
  // A tiny alphabet makes equal, prefixed and case-variant strings frequent.
  const str = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '.', '-'), maxLength: 5 });

  it('anything-but [v] matches exactly when [v] does not (present string field)', () => {
    fc.assert(
      fc.property(str, str, (v, s) => {
        const event = { detail: { f: s } };
        const exact = matches({ detail: { f: [v] } }, event);
        const but = matches({ detail: { f: [{ 'anything-but': [v] }] } }, event);
        expect(but).toBe(!exact);
        expect(exact).toBe(s === v);
      }),
    );
  });

  it('anything-but {prefix} is the complement of prefix, and both miss an absent field', () => {
    fc.assert(
      fc.property(str.filter((p) => p !== ''), fc.option(str, { nil: undefined }), (p, s) => {
        const event = s === undefined ? { detail: {} } : { detail: { f: s } };
        const pre = matches({ detail: { f: [{ prefix: p }] } }, event);
        const notPre = matches({ detail: { f: [{ 'anything-but': { prefix: p } }] } }, event);
        if (s === undefined) expect([pre, notPre]).toEqual([false, false]);
        else expect([pre, notPre]).toEqual([s.startsWith(p), !s.startsWith(p)]);
      }),
    );
  });

  it('equals-ignore-case agrees with comparing lower-cased strings', () => {
    fc.assert(
      fc.property(str, str, (v, s) => {
        expect(matches({ f: [{ 'equals-ignore-case': v }] }, { f: s })).toBe(v.toLowerCase() === s.toLowerCase());
      }),
    );
  });

  it('wildcard agrees with an equivalent regular expression', () => {
    const glob = fc.array(fc.constantFrom('a', 'b', '.', '*'), { maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        glob.filter((g) => !g.includes('**')),
        str,
        (g, s) => {
          const regex = new RegExp(`^${g.split('*').map((part) => part.replace(/\./g, '\\.')).join('.*')}$`, 's');
          expect(matches({ f: [{ wildcard: g }] }, { f: s })).toBe(regex.test(s));
        },
      ),
    );
  });

  it('numeric ranges agree with JavaScript comparisons', () => {
    const n = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(n, n, n, fc.boolean(), fc.boolean(), (a, b, x, incLow, incHigh) => {
        fc.pre(a < b);
        const pattern = { n: [{ numeric: [incLow ? '>=' : '>', a, incHigh ? '<=' : '<', b] }] };
        const expected = (incLow ? x >= a : x > a) && (incHigh ? x <= b : x < b);
        expect(matches(pattern, { n: x })).toBe(expected);
      }),
    );
  });

  it('IPv4 cidr agrees with comparing the network bits', () => {
    const ip = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
    fc.assert(
      fc.property(ip, ip, fc.integer({ min: 0, max: 32 }), (net, addr, len) => {
        const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
        const expected = ((net & mask) >>> 0) === ((addr & mask) >>> 0);
        expect(matches({ ip: [{ cidr: `${dotted(net)}/${len}` }] }, { ip: dotted(addr) })).toBe(expected);
      }),
    );
  });

  it('$or of two patterns matches exactly when either pattern does', () => {
    const value = fc.constantFrom('x', 'y', 1, null);
    const event = fc.record({ a: value, b: value }, { requiredKeys: [] });
    fc.assert(
      fc.property(value, value, event, (va, vb, e) => {
        const left = { a: [va] };
        const right = { b: [{ 'anything-but': 'x' }, vb] };
        expect(matches({ $or: [left, right] }, e)).toBe(matches(left, e) || matches(right, e));
      }),
    );
  });
});
